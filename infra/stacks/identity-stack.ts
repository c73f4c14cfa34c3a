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
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
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

/** How long the console's ID token (and its access and refresh tokens) last. */
export const CONSOLE_ID_TOKEN_MINUTES = 60;

/**
 * The user pool's Cognito domain prefix: the console's host name with dots as hyphens
 * (staging.contactpoint.example.gov.uk → staging-contactpoint-example-gov-uk). Prefixes are unique per
 * region across all AWS accounts; one made from a domain the deployer owns is free for them.
 */
export function hostedUiDomainPrefix(environment: Environment): string {
  const prefix = new URL(environment.mail.consoleUrl).hostname.replaceAll('.', '-').slice(0, 63);
  if (/aws|amazon|cognito/.test(prefix))
    throw new Error(`A Cognito domain prefix may not contain aws, amazon or cognito: ${prefix}`);
  return prefix;
}

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
  /** The client councils' users sign in through, by their own identity provider. */
  readonly councilClient: UserPoolClient | undefined;
  readonly resourceServer: UserPoolResourceServer;
  readonly signInTrigger: ContactPointFunction;
  /** The console's client: Cognito's hosted UI, authorization code with PKCE, everyone who may sign in. */
  readonly consoleClient: UserPoolClient;
  /** The hosted UI's base URL (the user pool's Cognito domain), where the console sends users to sign in. */
  readonly hostedUiUrl: string;
  /** R9: the SES identity the daily alert digests are sent from (Easy DKIM; the operator publishes its records). */
  readonly mailSender: EmailIdentity;

  constructor(scope: Construct, id: string, props: IdentityStackProps) {
    super(scope, id, props);
    const { environment } = props;
    this.mailSender = new EmailIdentity(this, 'MailSender', {
      identity: Identity.domain(environment.mail.domain),
    });

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
      // A changed address takes effect only once verified: the sign-in alias is never redirected unseen.
      keepOriginal: { email: true },
      autoVerify: { email: true },
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

    const involvementsScope = OAuthScope.resourceServer(
      this.resourceServer,
      new ResourceServerScope({
        scopeName: INVOLVEMENTS_WRITE_SCOPE,
        scopeDescription: 'Push involvement changes',
      }),
    );
    const userClient = {
      generateSecret: false,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.minutes(15),
      idTokenValidity: Duration.minutes(15),
      refreshTokenValidity: Duration.hours(8),
    };
    // Code-flow access tokens carry the API's own scope, never COGNITO_ADMIN: without
    // aws.cognito.signin.user.admin a token cannot call UpdateUserAttributes on its own user.
    const userOAuth = {
      flows: { authorizationCodeGrant: true },
      scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE, involvementsScope],
      callbackUrls: environment.webOrigins.map((o) => `${o}/signed-in`),
      logoutUrls: environment.webOrigins.map((o) => `${o}/signed-out`),
    };

    // Pool users (national operators, councils without their own sign-in). R4: they may write no
    // attribute the sign-in trigger reads — not organisation, local authority, groups or MFA evidence.
    this.browserClient = this.userPool.addClient('Browser', {
      ...userClient,
      authFlows: { userSrp: true },
      oAuth: userOAuth,
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true }),
    });

    // Council sign-in (federation). Cognito writes the mapped attributes (groups, MFA evidence) at every
    // sign-in, so this client must allow them; its users hold only code-flow tokens without
    // COGNITO_ADMIN, so they cannot write them themselves. No password flows: councils authenticate.
    this.councilClient =
      providers.length === 0
        ? undefined
        : this.userPool.addClient('Council', {
            ...userClient,
            // Refresh only: left unset, Cognito would also allow SRP and custom sign-in through it.
            authFlows: { userSrp: false },
            oAuth: userOAuth,
            supportedIdentityProviders: props.identityProviders.map((p) =>
              UserPoolClientIdentityProvider.custom(p.name),
            ),
            writeAttributes: new ClientAttributes()
              .withStandardAttributes({ email: true })
              .withCustomAttributes('groups', 'mfa'),
          });
    for (const provider of providers) this.councilClient?.node.addDependency(provider);

    // The console: Cognito's hosted UI, on the pool's Cognito domain, for pool users and councils' users alike.
    const domainPrefix = hostedUiDomainPrefix(environment);
    this.userPool.addDomain('HostedUi', { cognitoDomain: { domainPrefix } });
    this.hostedUiUrl = `https://${domainPrefix}.auth.${environment.region}.amazoncognito.com`;
    const consoleUrl = environment.mail.consoleUrl.replace(/\/$/, '');
    // Authorization code with PKCE only, no secret (the console proves the exchange with its PKCE verifier; a
    // secret in a Lambda environment would add nothing the verifier does not). No password or SRP flow: every
    // token comes from the hosted UI, never with aws.cognito.signin.user.admin, so as
    // for the council client, no token can write the attributes the sign-in trigger reads — which Cognito
    // itself must be allowed to write at each council sign-in. The ID token the console sends to the API lives
    // an hour; the console's own session ends sooner when idle.
    this.consoleClient = this.userPool.addClient('Console', {
      userPoolClientName: `console-${environment.name}`,
      generateSecret: false,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      authFlows: { userSrp: false },
      idTokenValidity: Duration.minutes(CONSOLE_ID_TOKEN_MINUTES),
      accessTokenValidity: Duration.minutes(CONSOLE_ID_TOKEN_MINUTES),
      refreshTokenValidity: Duration.minutes(CONSOLE_ID_TOKEN_MINUTES),
      oAuth: {
        flows: { authorizationCodeGrant: true },
        // As for every user client, the API's own scope too: an access token with it may call the two
        // involvement routes, which take access tokens (routeScopes), as users of the other clients can.
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE, involvementsScope],
        callbackUrls: [`${consoleUrl}/auth/callback`],
        logoutUrls: [`${consoleUrl}/signed-out`],
      },
      supportedIdentityProviders: [
        UserPoolClientIdentityProvider.COGNITO,
        ...props.identityProviders.map((p) => UserPoolClientIdentityProvider.custom(p.name)),
      ],
      writeAttributes:
        providers.length === 0
          ? new ClientAttributes().withStandardAttributes({ email: true })
          : new ClientAttributes()
              .withStandardAttributes({ email: true })
              .withCustomAttributes('groups', 'mfa'),
    });
    for (const provider of providers) this.consoleClient.node.addDependency(provider);

    for (const machine of environment.machineClients) {
      this.userPool.addClient(`Machine-${machine.name}`, {
        userPoolClientName: `cms-${machine.name}`,
        generateSecret: true,
        supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
        enableTokenRevocation: true,
        accessTokenValidity: Duration.minutes(15),
        oAuth: {
          flows: { clientCredentials: true },
          scopes: [involvementsScope],
        },
      });
    }
  }
}
