import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DirectoryRepository, Organisation, UserAccount } from '#domain/access/organisation.ts';
import { keys } from './keys.ts';

/** Organisations and user accounts, one table. */
export class DynamoDirectoryRepository implements DirectoryRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getOrganisation(organisationId: string): Promise<Organisation | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.organisation(organisationId) }),
    );
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, ...organisation } = Item;
    return organisation as Organisation;
  }

  async putOrganisation(organisation: Organisation): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...organisation, ...keys.organisation(organisation.organisationId) },
      }),
    );
  }

  async getUser(userId: string): Promise<UserAccount | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.user(userId) }),
    );
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, ...user } = Item;
    return user as UserAccount;
  }

  async putUser(user: UserAccount): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: { ...user, ...keys.user(user.userId) } }),
    );
  }
}
