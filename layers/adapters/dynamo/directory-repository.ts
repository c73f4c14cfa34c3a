import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DirectoryRepository, Organisation, UserAccount } from '#domain/access/organisation.ts';
import { keys } from './keys.ts';

/** Organisations and user accounts, one table. */
export class DynamoDirectoryRepository implements DirectoryRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  getOrganisation(organisationId: string): Promise<Organisation | undefined> {
    return this.get<Organisation>(keys.organisation(organisationId));
  }

  putOrganisation(organisation: Organisation): Promise<void> {
    return this.put({ ...organisation, ...keys.organisation(organisation.organisationId) });
  }

  getUser(userId: string): Promise<UserAccount | undefined> {
    return this.get<UserAccount>(keys.user(userId));
  }

  putUser(user: UserAccount): Promise<void> {
    return this.put({ ...user, ...keys.user(user.userId) });
  }

  /** Reads an item and drops the key attributes, which belong to storage, not to the domain. */
  private async get<T>(key: { pk: string; sk: string }): Promise<T | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key }));
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, ...value } = Item;
    return value as T;
  }

  private async put(item: Record<string, unknown>): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: item }));
  }
}
