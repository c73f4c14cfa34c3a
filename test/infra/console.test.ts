import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_COUNTRIES, HSTS_SECONDS, ORIGIN_VERIFY_HEADER } from '#infra/stacks/console-stack.ts';
import { CONSOLE_ID_TOKEN_MINUTES } from '#infra/stacks/identity-stack.ts';
import { type Statement, type Synthesised, synthesise } from './synth.ts';

let out: Synthesised;
let consoleStack: Template;
let edge: Template;
let identity: Template;

beforeAll(async () => {
  out = await synthesise();
  consoleStack = out.template('Console');
  edge = out.template('ConsoleEdge');
  identity = out.template('Identity');
}, 180_000);

type Resource = { Type: string; Properties: Record<string, unknown> };
type Resources = Record<string, Resource>;
const resourcesOf = (t: Template, type: string) => Object.entries(t.findResources(type) as Resources);
const only = <T>(items: T[]): T => {
  expect(items).toHaveLength(1);
  return items[0] as T;
};
const actionsOf = (s: Statement) => [s.Action].flat();
const CONSOLE_URL = 'https://staging.contactpoint.example.gov.uk';

const distribution = () =>
  only(resourcesOf(consoleStack, 'AWS::CloudFront::Distribution'))[1].Properties.DistributionConfig as Record<
    string,
    unknown
  > & {
    Origins: Record<string, unknown>[];
    DefaultCacheBehavior: Record<string, unknown>;
    CacheBehaviors: Record<string, unknown>[];
  };

/** The console function's own resources, found by its role's description. */
function consoleFunction() {
  const [roleId] = only(
    resourcesOf(consoleStack, 'AWS::IAM::Role').filter(([, r]) =>
      String(r.Properties.Description).startsWith('ContactPoint serve-console:'),
    ),
  );
  const [functionId, fn] = only(
    resourcesOf(consoleStack, 'AWS::Lambda::Function').filter(
      ([, f]) => JSON.stringify(f.Properties.Role) === JSON.stringify({ 'Fn::GetAtt': [roleId, 'Arn'] }),
    ),
  );
  return { roleId, functionId, fn };
}

/** Every identity statement that reaches the console function's role: managed, standalone or inline. */
function consoleRoleStatements(): Statement[] {
  const { roleId } = consoleFunction();
  const ref = JSON.stringify({ Ref: roleId });
  const documents: unknown[] = [];
  for (const [, r] of resourcesOf(consoleStack, 'AWS::IAM::ManagedPolicy'))
    if (JSON.stringify(r.Properties.Roles).includes(ref)) documents.push(r.Properties.PolicyDocument);
  for (const [, r] of resourcesOf(consoleStack, 'AWS::IAM::Policy'))
    if (JSON.stringify(r.Properties.Roles).includes(ref)) documents.push(r.Properties.PolicyDocument);
  const role = (consoleStack.findResources('AWS::IAM::Role') as Resources)[roleId];
  for (const inline of (role?.Properties.Policies ?? []) as { PolicyDocument: unknown }[])
    documents.push(inline.PolicyDocument);
  expect(documents.length).toBeGreaterThan(0);
  return documents.flatMap((d) => (d as { Statement: Statement[] }).Statement);
}

const secretIds = () => {
  const secrets = resourcesOf(consoleStack, 'AWS::SecretsManager::Secret');
  const id = (name: string) => only(secrets.filter(([logical]) => logical.startsWith(name)))[0];
  return { session: id('SessionKeySecret'), origin: id('OriginVerifySecret') };
};

describe('the console’s CloudFront distribution', () => {
  it('is protected by the us-east-1 web ACL with the API’s managed rules and rate limit, its requests logged with cookies redacted', () => {
    const [, acl] = only(resourcesOf(edge, 'AWS::WAFv2::WebACL'));
    expect(acl.Properties.Scope).toBe('CLOUDFRONT');
    const names = (acl.Properties.Rules as { Name: string }[]).map((r) => r.Name);
    expect(names).toEqual(
      expect.arrayContaining([
        'AWSManagedRulesAmazonIpReputationList',
        'AWSManagedRulesCommonRuleSet',
        'AWSManagedRulesKnownBadInputsRuleSet',
        'RatePerIp',
      ]),
    );
    // The distribution reads the ACL's ARN from the us-east-1 stack (a cross-region reference).
    expect(JSON.stringify(distribution().WebACLId)).toContain('ConsoleWebAclArn');
    const [, logging] = only(resourcesOf(edge, 'AWS::WAFv2::LoggingConfiguration'));
    expect(logging.Properties.RedactedFields).toEqual(
      expect.arrayContaining([
        { SingleHeader: { Name: 'cookie' } },
        { SingleHeader: { Name: 'authorization' } },
        { QueryString: {} },
      ]),
    );
    const [, logs] = only(resourcesOf(edge, 'AWS::Logs::LogGroup'));
    expect(logs.Properties.KmsKeyId).toBeDefined();
  });

  it('builds the web ACL’s and certificate’s stack in us-east-1, as CloudFront requires, and the console stack in London', () => {
    const manifest = JSON.parse(readFileSync(join(out.outdir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { environment?: string }>;
    };
    expect(manifest.artifacts['ContactPoint-staging-ConsoleEdge']?.environment).toBe(
      'aws://111111111111/us-east-1',
    );
    expect(manifest.artifacts['ContactPoint-staging-Console']?.environment).toBe(
      'aws://111111111111/eu-west-2',
    );
  });

  it('serves the console’s own domain over TLS 1.2 (2021 ciphers) or later, HTTP/2 and HTTP/3, only to the UK, with no access logs (they would record the paths that name children)', () => {
    const config = distribution();
    expect(config.Aliases).toEqual(['staging.contactpoint.example.gov.uk']);
    expect(config.ViewerCertificate).toMatchObject({
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    expect(config.HttpVersion).toBe('http2and3');
    expect(config.Restrictions).toEqual({
      GeoRestriction: { RestrictionType: 'whitelist', Locations: CONSOLE_COUNTRIES },
    });
    expect(config.Logging).toBeUndefined();
    const [, certificate] = only(resourcesOf(edge, 'AWS::CertificateManager::Certificate'));
    expect(certificate.Properties).toMatchObject({
      DomainName: 'staging.contactpoint.example.gov.uk',
      ValidationMethod: 'DNS',
    });
  });

  it('sends HSTS (two years, subdomains, preload), nosniff, DENY framing and a same-origin referrer (no-referrer would make Chromium send Origin: null on form posts), leaving the CSP to the function', () => {
    const [policyId, policy] = only(resourcesOf(consoleStack, 'AWS::CloudFront::ResponseHeadersPolicy'));
    const config = policy.Properties.ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: Record<string, Record<string, unknown>>;
    };
    expect(config.SecurityHeadersConfig).toEqual({
      StrictTransportSecurity: {
        AccessControlMaxAgeSec: HSTS_SECONDS,
        IncludeSubdomains: true,
        Preload: true,
        Override: true,
      },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'same-origin', Override: true },
    });
    expect(HSTS_SECONDS).toBe(63_072_000);
    const { DefaultCacheBehavior, CacheBehaviors } = distribution();
    for (const behaviour of [DefaultCacheBehavior, ...CacheBehaviors])
      expect(behaviour.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
  });

  it('forwards every page request to the function uncached, with its cookies, query string and form headers, and allows POST', () => {
    const behaviour = distribution().DefaultCacheBehavior;
    expect(behaviour.AllowedMethods).toEqual(expect.arrayContaining(['GET', 'HEAD', 'POST']));
    expect(behaviour.ViewerProtocolPolicy).toBe('redirect-to-https');
    // The managed CachingDisabled policy.
    expect(behaviour.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
    const [, request] = only(resourcesOf(consoleStack, 'AWS::CloudFront::OriginRequestPolicy'));
    const config = request.Properties.OriginRequestPolicyConfig as Record<string, Record<string, unknown>>;
    expect(config.CookiesConfig).toEqual({ CookieBehavior: 'all' });
    expect(config.QueryStringsConfig).toEqual({ QueryStringBehavior: 'all' });
    expect(config.HeadersConfig?.HeaderBehavior).toBe('whitelist');
    expect(config.HeadersConfig?.Headers).toEqual(expect.arrayContaining(['Origin', 'Content-Type']));
    // Never the viewer's Host (a function URL answers only to its own) nor the viewer's own guard header.
    expect(config.HeadersConfig?.Headers).not.toContain('Host');
    expect(config.HeadersConfig?.Headers).not.toContain(ORIGIN_VERIFY_HEADER);
  });

  it('reads the assets from a private, encrypted bucket through origin access control, with a long cache', () => {
    const config = distribution();
    const assets = only(config.CacheBehaviors.filter((b) => b.PathPattern === '/assets/*'));
    expect(assets.AllowedMethods).toEqual(['GET', 'HEAD']);
    // The managed CachingOptimized policy (up to a year; every deployment invalidates /assets/*).
    expect(assets.CachePolicyId).toBe('658327ea-f89d-4fab-a63d-7e88639e58f6');
    const origin = only(config.Origins.filter((o) => o.Id === assets.TargetOriginId));
    expect(origin.OriginAccessControlId).toBeDefined();
    expect(origin.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    const [, oac] = only(resourcesOf(consoleStack, 'AWS::CloudFront::OriginAccessControl'));
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const bucketId = (origin.DomainName as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const bucket = (consoleStack.findResources('AWS::S3::Bucket') as Resources)[bucketId];
    expect(bucket?.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { LogFilePrefix: 'assets-bucket/' },
    });
    // Its policy: only this distribution may read (and no one over plain HTTP).
    const [, policy] = only(
      resourcesOf(consoleStack, 'AWS::S3::BucketPolicy').filter(
        ([, p]) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: bucketId }),
      ),
    );
    const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]?.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
    expect(actionsOf(allows[0] as Statement)).toEqual(['s3:GetObject']);
    expect(JSON.stringify(allows[0]?.Condition)).toContain('AWS:SourceArn');
    expect(
      statements.some(
        (s) => s.Effect === 'Deny' && JSON.stringify(s.Condition).includes('aws:SecureTransport'),
      ),
    ).toBe(true);
  });
});

describe('the console function behind CloudFront', () => {
  it('is reached only with CloudFront’s secret origin header: its URL takes no IAM signature, so the function checks the header it is told of', () => {
    const { functionId, fn } = consoleFunction();
    const [, url] = only(resourcesOf(consoleStack, 'AWS::Lambda::Url'));
    expect(url.Properties).toMatchObject({ AuthType: 'NONE', InvokeMode: 'BUFFERED' });
    expect(JSON.stringify(url.Properties.TargetFunctionArn)).toContain(functionId);
    const origin = only(
      distribution().Origins.filter((o) => JSON.stringify(o.DomainName).includes('FunctionUrl')),
    );
    const { origin: originSecret } = secretIds();
    // CloudFront sends the secret's value, resolved by CloudFormation at deployment (never in the template).
    expect(origin.OriginCustomHeaders).toEqual([
      {
        HeaderName: ORIGIN_VERIFY_HEADER,
        HeaderValue: {
          'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: originSecret }, ':SecretString:::}}']],
        },
      },
    ]);
    expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only' });
    // The function is told which secret holds the value, and runs with the hosted-UI sign-in.
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.ORIGIN_VERIFY_SECRET_ID).toEqual({ Ref: originSecret });
    expect(variables.SIGN_IN).toBe('hosted-ui');
    expect(variables.CONSOLE_URL).toBe(CONSOLE_URL);
    expect(variables.SESSION_IDLE_MINUTES).toBe('15');
    expect(variables.HOSTED_UI_URL).toBe(
      'https://staging-contactpoint-example-gov-uk.auth.eu-west-2.amazoncognito.com',
    );
    expect(JSON.stringify(variables.API_URL)).toContain('execute-api');
    expect(JSON.stringify(variables.CONSOLE_CLIENT_ID)).toContain('UsersConsole');
  });

  it('has no DynamoDB or KMS permission at all, and may read only its two secrets', () => {
    const statements = consoleRoleStatements();
    const actions = statements.flatMap(actionsOf);
    expect(actions.filter((a) => /^(dynamodb|kms):/i.test(a) || a === '*')).toEqual([]);
    const reads = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('secretsmanager:')));
    expect(reads).toHaveLength(1);
    expect(actionsOf(reads[0] as Statement)).toEqual(['secretsmanager:GetSecretValue']);
    const { session, origin } = secretIds();
    expect(reads[0]?.Resource).toEqual([{ Ref: session }, { Ref: origin }]);
    expect(actions.filter((a) => !/^(logs|xray|secretsmanager):/.test(a))).toEqual([]);
  });

  it('keeps its session key and origin header as 64 hex characters generated by Secrets Manager, under a key only it may decrypt with', () => {
    const { session, origin } = secretIds();
    const secrets = consoleStack.findResources('AWS::SecretsManager::Secret') as Resources;
    const { roleId } = consoleFunction();
    for (const id of [session, origin]) {
      const properties = secrets[id]?.Properties ?? {};
      expect(properties.SecretString).toBeUndefined();
      expect(properties.GenerateSecretString).toEqual({
        PasswordLength: 64,
        ExcludeUppercase: true,
        ExcludePunctuation: true,
        IncludeSpace: false,
        ExcludeCharacters: 'ghijklmnopqrstuvwxyz',
      });
      const keyId = (properties.KmsKeyId as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const key = (consoleStack.findResources('AWS::KMS::Key') as Resources)[keyId];
      expect(key?.Properties.EnableKeyRotation).toBe(true);
      const keyStatements =
        (key?.Properties.KeyPolicy as { Statement: Statement[] } | undefined)?.Statement ?? [];
      const deny = only(
        keyStatements.filter((s) => s.Effect === 'Deny' && actionsOf(s).includes('kms:Decrypt')),
      );
      expect(deny.Principal).toEqual({ AWS: '*' });
      expect(JSON.stringify(deny.Condition?.ArnNotEquals)).toContain(roleId);
      expect(JSON.stringify(deny.Condition?.ArnNotEquals)).toContain('cfn-exec-role');
    }
    // Only the function reads the session key; CloudFormation also reads the origin header's, for CloudFront.
    const policies = resourcesOf(consoleStack, 'AWS::SecretsManager::ResourcePolicy');
    const readersOf = (id: string) => {
      const [, policy] = only(
        policies.filter(([, p]) => JSON.stringify(p.Properties.SecretId) === JSON.stringify({ Ref: id })),
      );
      const deny = only(
        (policy.Properties.ResourcePolicy as { Statement: Statement[] }).Statement.filter(
          (s) => s.Effect === 'Deny' && actionsOf(s).includes('secretsmanager:GetSecretValue'),
        ),
      );
      expect(deny.Principal).toEqual({ AWS: '*' });
      return JSON.stringify(deny.Condition?.ArnNotEquals);
    };
    expect(readersOf(session)).toContain(roleId);
    expect(readersOf(session)).not.toContain('cfn-exec-role');
    expect(readersOf(origin)).toContain('cfn-exec-role');
  });
});

describe('the console’s sign-in (Cognito hosted UI)', () => {
  it('has a Cognito domain for the hosted UI', () => {
    const [, domain] = only(resourcesOf(identity, 'AWS::Cognito::UserPoolDomain'));
    expect(domain.Properties.Domain).toBe('staging-contactpoint-example-gov-uk');
  });

  it('gives the console a public client: authorization code only (PKCE is the console’s), no secret, its own callback and sign-out addresses', () => {
    const [, client] = only(
      resourcesOf(identity, 'AWS::Cognito::UserPoolClient').filter(
        ([, c]) => c.Properties.ClientName === 'console-staging',
      ),
    );
    expect(client.Properties).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: expect.arrayContaining(['openid', 'email', 'profile']),
      CallbackURLs: [`${CONSOLE_URL}/auth/callback`],
      LogoutURLs: [`${CONSOLE_URL}/signed-out`],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      IdTokenValidity: CONSOLE_ID_TOKEN_MINUTES,
      TokenValidityUnits: expect.objectContaining({ IdToken: 'minutes' }),
    });
    // …and the API's own involvements scope, as every user client (for the two routes that take access tokens).
    expect(client.Properties.AllowedOAuthScopes).toHaveLength(4);
    expect(JSON.stringify(client.Properties.AllowedOAuthScopes)).toContain('/involvements.write');
    expect(client.Properties.AllowedOAuthScopes).not.toContain('aws.cognito.signin.user.admin');
    // No password or SRP sign-in through it: every token comes from the hosted UI.
    expect(client.Properties.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
    // Pool users and every council identity provider the pool has.
    const providers = resourcesOf(identity, 'AWS::Cognito::UserPoolIdentityProvider').map(
      ([, p]) => p.Properties.ProviderName,
    );
    expect(client.Properties.SupportedIdentityProviders).toEqual(['COGNITO', ...providers]);
  });
});
