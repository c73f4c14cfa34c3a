import type { Account, AccountStatus } from '#domain/access/account.ts';
import type { AccountChange } from '#domain/access/account-change.ts';
import type { MachineClient } from '#domain/access/machine-client.ts';
import type { Organisation } from '#domain/access/organisation.ts';
import type { AuditEvent } from '#domain/audit/event.ts';
import { PreconditionFailedError } from '#domain/errors.ts';
import type { DirectoryRepository, IdentityAdmin } from '#domain/ports.ts';
import type { MemoryAudit } from './memory-children.ts';

/**
 * The directory in memory, with the DynamoDB repository's write conditions (a version that moved on, a
 * change already decided) and each change committed with its audit event, for domain tests.
 */
export class MemoryDirectory implements DirectoryRepository {
  readonly organisations = new Map<string, Organisation>();
  readonly accounts = new Map<string, Account>();
  readonly changes = new Map<string, AccountChange>();

  constructor(
    private readonly audit: MemoryAudit,
    organisations: readonly Organisation[] = [],
  ) {
    for (const o of organisations) this.organisations.set(o.organisationId, o);
  }

  async getOrganisation(organisationId: string) {
    return this.organisations.get(organisationId);
  }
  async putOrganisation(organisation: Organisation) {
    this.organisations.set(organisation.organisationId, organisation);
  }
  async getAccount(userId: string) {
    return this.accounts.get(userId);
  }
  async getMachineClient(_clientId: string): Promise<MachineClient | undefined> {
    return undefined;
  }
  async putMachineClient() {}
  async listAccounts(organisationId: string, status?: AccountStatus) {
    return [...this.accounts.values()].filter(
      (a) => a.organisationId === organisationId && (!status || a.status === status),
    );
  }
  async listActiveWithDbsIssuedBy(issuedOnOrBefore: string) {
    return [...this.accounts.values()].filter(
      (a) => a.status === 'active' && a.dbsCertificateDate <= issuedOnOrBefore,
    );
  }
  async createAccount(account: Account, audit: AuditEvent, awaiting?: AccountChange) {
    if (this.accounts.has(account.userId)) throw new PreconditionFailedError('exists');
    this.accounts.set(account.userId, account);
    if (awaiting) this.changes.set(awaiting.changeId, awaiting);
    this.audit.events.push(audit);
  }
  async replaceAccount(next: Account, expectedVersion: number, audit: AuditEvent, awaiting?: AccountChange) {
    if (this.accounts.get(next.userId)?.version !== expectedVersion)
      throw new PreconditionFailedError('moved');
    this.accounts.set(next.userId, next);
    if (awaiting) this.changes.set(awaiting.changeId, awaiting);
    this.audit.events.push(audit);
  }
  async getAccountChange(administeredBy: string, changeId: string) {
    const change = this.changes.get(changeId);
    return change?.administeredBy === administeredBy ? change : undefined;
  }
  async listAccountChanges(administeredBy: string) {
    return [...this.changes.values()].filter((c) => c.administeredBy === administeredBy);
  }
  async decideAccountChange(
    change: AccountChange,
    audit: AuditEvent,
    approved?: { next: Account; expectedVersion: number },
  ) {
    if (!this.changes.has(change.changeId)) throw new PreconditionFailedError('decided');
    if (approved && this.accounts.get(approved.next.userId)?.version !== approved.expectedVersion)
      throw new PreconditionFailedError('moved');
    this.changes.delete(change.changeId);
    if (approved) this.accounts.set(approved.next.userId, approved.next);
    this.audit.events.push(audit);
  }
}

/** Sign-ins in memory: which groups each user is in. */
export class MemoryIdentity implements IdentityAdmin {
  readonly groups = new Map<string, Set<string>>();
  private n = 0;
  async createUser(user: { roles: string[] }) {
    const userId = `user-${++this.n}`;
    this.groups.set(userId, new Set(user.roles));
    return userId;
  }
  async deleteUser(userId: string) {
    this.groups.delete(userId);
  }
  async disableUser() {}
  async enableUser() {}
  async revokeSessions() {}
  async addToGroups(userId: string, roles: string[]) {
    for (const r of roles) this.groups.get(userId)?.add(r);
  }
  async removeFromGroups(userId: string, roles: string[]) {
    for (const r of roles) this.groups.get(userId)?.delete(r);
  }
}
