import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  type AdminCreateUserCommandOutput,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { ConflictError } from '#domain/errors.ts';
import type { IdentityAdmin } from '#domain/ports.ts';
import { readSettings, type Settings } from '#runtime/settings.ts';

/** Cognito user-pool administration: the username is the account's subject (the pool signs in by e-mail). */
export class CognitoIdentityAdmin implements IdentityAdmin {
  private readonly client: CognitoIdentityProviderClient;
  private readonly userPoolId: string;

  constructor(config: Settings<'identity'> = readSettings('identity')) {
    this.userPoolId = config.USER_POOL_ID;
    this.client = new CognitoIdentityProviderClient({
      region: config.AWS_REGION,
      ...(config.COGNITO_ENDPOINT && {
        endpoint: config.COGNITO_ENDPOINT,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    });
  }

  async createUser(user: { email: string; organisationId: string; roles: string[] }): Promise<string> {
    let created: AdminCreateUserCommandOutput;
    try {
      created = await this.client.send(
        new AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: user.email,
          DesiredDeliveryMediums: ['EMAIL'],
          UserAttributes: [
            { Name: 'email', Value: user.email },
            { Name: 'email_verified', Value: 'true' },
            { Name: 'custom:organisationId', Value: user.organisationId },
          ],
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'UsernameExistsException') {
        throw new ConflictError('A sign-in with this e-mail address already exists', { cause: error });
      }
      throw error;
    }
    const userId = created.User?.Attributes?.find((a) => a.Name === 'sub')?.Value ?? created.User?.Username;
    if (!userId) throw new Error('The identity provider returned no subject for the new user');
    await this.addToGroups(userId, user.roles);
    return userId;
  }

  async addToGroups(userId: string, roles: string[]): Promise<void> {
    for (const role of roles) {
      await this.client.send(
        new AdminAddUserToGroupCommand({ UserPoolId: this.userPoolId, Username: userId, GroupName: role }),
      );
    }
  }

  async removeFromGroups(userId: string, roles: string[]): Promise<void> {
    for (const role of roles) {
      await this.client.send(
        new AdminRemoveUserFromGroupCommand({
          UserPoolId: this.userPoolId,
          Username: userId,
          GroupName: role,
        }),
      );
    }
  }

  async deleteUser(userId: string): Promise<void> {
    await this.client.send(new AdminDeleteUserCommand({ UserPoolId: this.userPoolId, Username: userId }));
  }

  async disableUser(userId: string): Promise<void> {
    await this.client.send(new AdminDisableUserCommand({ UserPoolId: this.userPoolId, Username: userId }));
  }

  async enableUser(userId: string): Promise<void> {
    await this.client.send(new AdminEnableUserCommand({ UserPoolId: this.userPoolId, Username: userId }));
  }

  async revokeSessions(userId: string): Promise<void> {
    await this.client.send(
      new AdminUserGlobalSignOutCommand({ UserPoolId: this.userPoolId, Username: userId }),
    );
  }
}
