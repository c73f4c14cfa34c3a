import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Account, AccountStatus } from '#domain/access/account.ts';
import type { AccountChange } from '#domain/access/account-change.ts';
import type { MachineClient } from '#domain/access/machine-client.ts';
import type { Organisation } from '#domain/access/organisation.ts';
import type { AuditEvent } from '#domain/audit/event.ts';
import type { DirectoryRepository } from '#domain/ports.ts';
import { auditPut } from './audit-sink.ts';
import { keys } from './keys.ts';
import { ACCOUNTS_BY_ORGANISATION_INDEX, ACTIVE_ACCOUNTS_BY_DBS_INDEX } from './tables.ts';
import { type TransactItem, transactWrite } from './write.ts';

const STORAGE_ATTRIBUTES = [
  'pk',
  'sk',
  'accountOrganisation',
  'accountStatusUser',
  'activeAccount',
  'expiresAtEpoch',
];

function withoutStorageAttributes<T>(item: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !STORAGE_ATTRIBUTES.includes(k))) as T;
}

/** Organisations and accounts, one table; account changes commit with their audit event (R6). */
export class DynamoDirectoryRepository implements DirectoryRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: { directory: string; audit: string },
  ) {}

  getOrganisation(organisationId: string): Promise<Organisation | undefined> {
    return this.get<Organisation>(keys.organisation(organisationId));
  }

  async putOrganisation(organisation: Organisation): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tables.directory,
        Item: { ...organisation, ...keys.organisation(organisation.organisationId) },
      }),
    );
  }

  getAccount(userId: string): Promise<Account | undefined> {
    return this.get<Account>(keys.account(userId), true);
  }

  getMachineClient(clientId: string): Promise<MachineClient | undefined> {
    return this.get<MachineClient>(keys.machineClient(clientId));
  }

  async putMachineClient(client: MachineClient): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tables.directory,
        Item: { ...client, ...keys.machineClient(client.clientId) },
      }),
    );
  }

  listAccounts(organisationId: string, status?: AccountStatus): Promise<Account[]> {
    return this.query<Account>({
      IndexName: ACCOUNTS_BY_ORGANISATION_INDEX,
      KeyConditionExpression: status
        ? 'accountOrganisation = :org AND begins_with(accountStatusUser, :status)'
        : 'accountOrganisation = :org',
      ExpressionAttributeValues: { ':org': organisationId, ...(status && { ':status': `${status}#` }) },
    });
  }

  async listActiveWithDbsIssuedBy(issuedOnOrBefore: string): Promise<Account[]> {
    const hits = await this.query<{ pk: string }>(
      {
        IndexName: ACTIVE_ACCOUNTS_BY_DBS_INDEX,
        KeyConditionExpression: 'activeAccount = :active AND dbsCertificateDate <= :date',
        ExpressionAttributeValues: { ':active': 'ACTIVE', ':date': issuedOnOrBefore },
      },
      true,
    );
    const accounts = await Promise.all(hits.map((h) => this.getAccount(h.pk.replace(/^USER#/, ''))));
    return accounts.filter((a): a is Account => a?.status === 'active');
  }

  async createAccount(account: Account, audit: AuditEvent, awaiting?: AccountChange): Promise<void> {
    await transactWrite(this.db, [
      {
        Put: {
          TableName: this.tables.directory,
          Item: this.accountItem(account),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...this.changePut(awaiting),
      { Put: auditPut(this.tables.audit, audit) },
    ]);
  }

  async replaceAccount(
    next: Account,
    expectedVersion: number,
    audit: AuditEvent,
    awaiting?: AccountChange,
  ): Promise<void> {
    await transactWrite(this.db, [
      this.accountReplace(next, expectedVersion),
      ...this.changePut(awaiting),
      { Put: auditPut(this.tables.audit, audit) },
    ]);
  }

  getAccountChange(administeredBy: string, changeId: string): Promise<AccountChange | undefined> {
    return this.get<AccountChange>(keys.accountChange(administeredBy, changeId), true);
  }

  listAccountChanges(administeredBy: string): Promise<AccountChange[]> {
    return this.query<AccountChange>({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.accountChange(administeredBy, '').pk,
        ':prefix': keys.accountChangePrefix,
      },
      ConsistentRead: true,
    });
  }

  async decideAccountChange(
    change: AccountChange,
    audit: AuditEvent,
    approved?: { next: Account; expectedVersion: number },
  ): Promise<void> {
    await transactWrite(this.db, [
      {
        // Decided once: a second decision (or a race with another administrator) finds it gone.
        Delete: {
          TableName: this.tables.directory,
          Key: keys.accountChange(change.administeredBy, change.changeId),
          ConditionExpression: 'attribute_exists(pk)',
        },
      },
      ...(approved ? [this.accountReplace(approved.next, approved.expectedVersion)] : []),
      { Put: auditPut(this.tables.audit, audit) },
    ]);
  }

  /** Writes accounts without audit events: the local stand-in's seeded users only. */
  async importAccounts(accounts: Account[]): Promise<void> {
    for (const account of accounts) {
      await this.db.send(
        new PutCommand({ TableName: this.tables.directory, Item: this.accountItem(account) }),
      );
    }
  }

  private accountReplace(next: Account, expectedVersion: number): TransactItem {
    return {
      Put: {
        TableName: this.tables.directory,
        Item: this.accountItem(next),
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':expected': expectedVersion },
      },
    };
  }

  private changePut(change: AccountChange | undefined): TransactItem[] {
    if (!change) return [];
    return [
      {
        Put: {
          TableName: this.tables.directory,
          Item: {
            ...change,
            ...keys.accountChange(change.administeredBy, change.changeId),
            // Lapsed changes are refused when read; the table's time-to-live clears them later.
            expiresAtEpoch: Math.floor(Date.parse(change.expiresAt) / 1000),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
  }

  private accountItem(account: Account): Record<string, unknown> {
    return { ...account, ...keys.account(account.userId), ...keys.accountIndexes(account) };
  }

  private async get<T>(key: { pk: string; sk: string }, consistent = false): Promise<T | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tables.directory, Key: key, ConsistentRead: consistent }),
    );
    return Item ? withoutStorageAttributes<T>(Item) : undefined;
  }

  private async query<T>(input: Omit<QueryCommandInput, 'TableName'>, raw = false): Promise<T[]> {
    const items: T[] = [];
    for await (const page of paginateQuery(
      { client: this.db },
      { TableName: this.tables.directory, ...input },
    )) {
      for (const item of page.Items ?? []) items.push(raw ? (item as T) : withoutStorageAttributes<T>(item));
    }
    return items;
  }
}
