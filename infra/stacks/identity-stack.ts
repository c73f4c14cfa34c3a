import { Duration, RemovalPolicy, SecretValue, Stack, type StackProps } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  ClientAttributes,
  CustomThreatProtectionMode,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  OAuthScope,
  ProviderAttribute,
  ResourceServerScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolIdentityProviderOidc,
  UserPoolIdentityProviderSaml,
  UserPoolIdentityProviderSamlMetadata,
  UserPoolOperation,
  type UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ROLES } from '#domain/access/principal.ts';
import type { SignInFunction } from '#functions/define-function.ts';
import type { Environment } from '../config/environments.ts';
import type { IdentityProvider } from '../config/identity-providers.ts';
import { ContactPointFunction } from '../constructs/contactpoint-function.ts';
import { constructIdOf } from '../constructs/names.ts';

export interface IdentityStackProps extends StackProps {
  environment: Environment;
  identityProviders: IdentityProvider[];
  /** The manifest's sign-in trigger, which puts organisation and roles in every token. */
  signInTrigger: SignInFunction;
  logsKey: IKey;
  logRetention: RetentionDays;
}

export const INVOLVEMENTS_WRITE_SCOPE = 'involvements.write';

/**
 * Who can sign in (R4): a user pool with MFA required (TOTP, never SMS), threat protection enforced,
 * no self sign-up, short-lived tokens that can be revoked, a group per role, organisation and local
 * authority attributes; a browser client (code flow with PKCE, no secret); client-credentials clients
 * for case management systems, allowed only to write involvements; and council identity providers
 * from infra/config/identity-providers.json, whose sign-ins the trigger refuses without MFA evidence.
 */
export class IdentityStack extends Stack {
  readonly userPool: UserPool;
  readonly browserClient: UserPoolClient;
  readonly resourceServer: UserPoolResourceServer;
  readonly signInTrigger: ContactPointFunction;

  constructor(scope: Construct, id: string, props: IdentityStackProps) {
    super(scope, id, props);
    const { environment } = props;

    this.signInTrigger = new ContactPointFunction(this, constructIdOf(props.signInTrigger.name), {
      definition: props.signInTrigger,
      context: {
        tables: {},
        settings: {
          FEDERATION_RULES: JSON.stringify(
            props.identityProviders.map(({ name, organisationId, roles, mfaEvidence }) => ({
              name,
              organisationId,
              roles,
              mfaEvidence,
            })),
          ),
        },
        logsKey: props.logsKey,
        logRetention: props.logRetention,
        reservedConcurrency: environment.reservedConcurrency,
      },
    });

    this.userPool = new UserPool(this, 'Users', {
      userPoolName: `contactpoint-${environment.name}`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      customThreatProtectionMode: CustomThreatProtectionMode.FULL_FUNCTION,
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 24,
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      customAttributes: {
        organisationId: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
        localAuthority: new StringAttribute({ minLen: 9, maxLen: 9, mutable: true }),
        // Filled from a council's sign-in by the attribute mapping; read by the trigger.
        groups: new StringAttribute({ maxLen: 2048, mutable: true }),
        mfa: new StringAttribute({ maxLen: 2048, mutable: true }),
      },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.userPool.addTrigger(
      UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
      this.signInTrigger.function,
      LambdaVersion.V2_0,
    );

    for (const role of ROLES) {
      new CfnUserPoolGroup(this, `Group-${role}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: role,
        description: `ContactPoint ${role}`,
      });
    }

    const providers = props.identityProviders.map((provider) => {
      const attributeMapping = {
        email: ProviderAttribute.other(provider.attributes.email),
        custom: {
          groups: ProviderAttribute.other(provider.attributes.groups),
          mfa: ProviderAttribute.other(provider.attributes.mfa),
        },
      };
      return provider.type === 'SAML'
        ? new UserPoolIdentityProviderSaml(this, `Idp-${provider.name}`, {
            userPool: this.userPool,
            name: provider.name,
            metadata: UserPoolIdentityProviderSamlMetadata.url(provider.metadataUrl),
            attributeMapping,
          })
        : new UserPoolIdentityProviderOidc(this, `Idp-${provider.name}`, {
            userPool: this.userPool,
            name: provider.name,
            issuerUrl: provider.issuerUrl,
            clientId: provider.clientId,
            // A {{resolve:secretsmanager:…}} reference that CloudFormation resolves at deploy time: the
            // secret itself never enters the repository or the template.
            clientSecret: SecretValue.secretsManager(provider.clientSecretName).unsafeUnwrap(),
            scopes: ['openid', 'email', 'profile'],
            attributeMapping,
          });
    });

    this.resourceServer = this.userPool.addResourceServer('Api', {
      identifier: 'contactpoint',
      scopes: [
        new ResourceServerScope({
          scopeName: INVOLVEMENTS_WRITE_SCOPE,
          scopeDescription: 'Push involvement changes',
        }),
      ],
    });

    this.browserClient = this.userPool.addClient('Browser', {
      generateSecret: false,
      authFlows: { userSrp: true },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.minutes(15),
      idTokenValidity: Duration.minutes(15),
      refreshTokenValidity: Duration.hours(8),
      oAuth: {
        flows: { authorizationCodeGrant: true },
        // COGNITO_ADMIN puts the users' scope in code-flow access tokens too (SRP ones always carry it),
        // so practitioners can call the involvement routes, which take access tokens (routeScopes).
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE, OAuthScope.COGNITO_ADMIN],
        callbackUrls: environment.webOrigins.map((o) => `${o}/signed-in`),
        logoutUrls: environment.webOrigins.map((o) => `${o}/signed-out`),
      },
      supportedIdentityProviders: [
        UserPoolClientIdentityProvider.COGNITO,
        ...props.identityProviders.map((p) => UserPoolClientIdentityProvider.custom(p.name)),
      ],
      // R4: a signed-in user may not write their own organisation, local authority or anything else the
      // trigger reads (UpdateUserAttributes with their access token). Only the attributes a council's
      // sign-in maps must stay writable for this client; Cognito rewrites them at every federated
      // sign-in, and the ContactPoint account, not the token, decides organisation and roles.
      writeAttributes: new ClientAttributes()
        .withStandardAttributes({ email: true })
        .withCustomAttributes('groups', 'mfa'),
    });
    for (const provider of providers) this.browserClient.node.addDependency(provider);

    for (const machine of environment.machineClients) {
      this.userPool.addClient(`Machine-${machine.name}`, {
        userPoolClientName: `cms-${machine.name}`,
        generateSecret: true,
        supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
        enableTokenRevocation: true,
        accessTokenValidity: Duration.minutes(15),
        oAuth: {
          flows: { clientCredentials: true },
          scopes: [
            OAuthScope.resourceServer(
              this.resourceServer,
              new ResourceServerScope({
                scopeName: INVOLVEMENTS_WRITE_SCOPE,
                scopeDescription: 'Push involvement changes',
              }),
            ),
          ],
        },
      });
    }
  }
}
