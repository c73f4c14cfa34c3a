import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '#adapters/dynamo/tables.ts';
import { ROLES } from '#domain/access/principal.ts';
import { FUNCTIONS, ROUTES } from '#functions/manifest.ts';
import { TLS_SECURITY_POLICY } from '#infra/stacks/api-stack.ts';
import { AUDIT_RETENTION_DAYS } from '#infra/stacks/audit-stack.ts';
import { readSettings, settingNames } from '#runtime/settings.ts';
import { type Synthesised, synthesise } from './synth.ts';

let out: Synthesised;
let api: Template;
let data: Template;
let identity: Template;
let audit: Template;
let keys: Template;
let jobs: Template;
let feeds: Template;
let consoleStack: Template;

beforeAll(async () => {
  out = await synthesise();
  api = out.template('Api');
  data = out.template('Data');
  identity = out.template('Identity');
  audit = out.template('Audit');
  keys = out.template('Keys');
  jobs = out.template('Jobs');
  feeds = out.template('Feeds');
  consoleStack = out.template('Console');
}, 180_000);

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
const resourcesOf = (t: Template, type: string) => Object.values(t.findResources(type) as Resources);

/**
 * The functions of the manifest in a template, by their roles' descriptions ("ContactPoint <name>: …"); not
 * the providers CDK adds for its own custom resources (the console's asset copy and cross-region exports).
 */
function houseFunctions(t: Template) {
  const house = new Set(
    Object.entries(t.findResources('AWS::IAM::Role') as Resources)
      .filter(([, r]) => /^ContactPoint \S+:/.test(String(r.Properties.Description)))
      .map(([id]) => id),
  );
  return resourcesOf(t, 'AWS::Lambda::Function').filter((fn) =>
    house.has((fn.Properties.Role as { 'Fn::GetAtt'?: [string] })['Fn::GetAtt']?.[0] ?? ''),
  );
}

describe('keys', () => {
  it('rotates every encryption key; the audit seal key is an HMAC key that never leaves KMS', () => {
    const all = resourcesOf(keys, 'AWS::KMS::Key');
    const encryption = all.filter((k) => k.Properties.KeyUsage !== 'GENERATE_VERIFY_MAC');
    // data, feeds, archive (R7), audit, logs, and the blocking-key secret's
    expect(encryption).toHaveLength(6);
    for (const key of encryption) expect(key.Properties.EnableKeyRotation).toBe(true);
    keys.hasResourceProperties('AWS::KMS::Key', { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
  });

  it('separates administration from use: the administrators cannot encrypt or decrypt', () => {
    for (const key of resourcesOf(keys, 'AWS::KMS::Key')) {
      const statements = (key.Properties.KeyPolicy as { Statement: { Sid?: string; Action: string[] }[] })
        .Statement;
      const administration = statements.find((s) => s.Sid === 'Administration');
      expect(administration?.Action).not.toEqual(expect.arrayContaining(['kms:Decrypt']));
      expect(administration?.Action).not.toContain('kms:Encrypt');
      expect(administration?.Action).not.toContain('kms:*');
    }
  });

  it('lets the account use a data key only through the services it serves', () => {
    for (const key of resourcesOf(keys, 'AWS::KMS::Key')) {
      const statements = (
        key.Properties.KeyPolicy as {
          Statement: { Principal: unknown; Action: string[]; Condition?: unknown }[];
        }
      ).Statement;
      for (const s of statements.filter(
        (st) => st.Action.includes('kms:Decrypt') && JSON.stringify(st.Principal).includes(':root'),
      )) {
        expect(JSON.stringify(s.Condition)).toContain('kms:ViaService');
      }
    }
  });
});

describe('data', () => {
  it('encrypts every table with a customer-managed key, with point-in-time recovery and deletion protection', () => {
    const tables = resourcesOf(data, 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(Object.keys(TABLES).length);
    for (const table of tables) {
      expect(table.Properties.SSESpecification).toMatchObject({
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: expect.anything(),
      });
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    }
  });

  it('keeps the per-user limit counters (R10) in a table encrypted with the data key, expiring by TTL', () => {
    const tables = data.findResources('AWS::DynamoDB::Table') as Resources;
    const named = (id: string) =>
      Object.values(tables).find((t) => t.Properties.TableName === `contactpoint-staging-${id}`)?.Properties;
    const counters = named('usageCounters');
    expect(counters).toMatchObject({
      KeySchema: [{ AttributeName: 'counter', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    const keyOf = (p: Record<string, unknown> | undefined) =>
      (p?.SSESpecification as { KMSMasterKeyId?: unknown } | undefined)?.KMSMasterKeyId;
    expect(keyOf(counters)).toEqual(keyOf(named('children')));
  });

  it('keeps the misuse counters (R10) per user and day, encrypted with the data key, expiring by TTL', () => {
    const tables = data.findResources('AWS::DynamoDB::Table') as Resources;
    const named = (id: string) =>
      Object.values(tables).find((t) => t.Properties.TableName === `contactpoint-staging-${id}`)?.Properties;
    const counters = named('misuseCounters');
    expect(counters).toMatchObject({
      KeySchema: [
        { AttributeName: 'userDay', KeyType: 'HASH' },
        { AttributeName: 'item', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
    const keyOf = (p: Record<string, unknown> | undefined) =>
      (p?.SSESpecification as { KMSMasterKeyId?: unknown } | undefined)?.KMSMasterKeyId;
    expect(keyOf(counters)).toEqual(keyOf(named('children')));
    // Misuse alerts are listed per reviewing organisation, newest first (the other index is R9's digest).
    expect(named('alerts')?.GlobalSecondaryIndexes).toEqual([
      expect.objectContaining({
        IndexName: 'misuseAlertsByOrganisation',
        KeySchema: [
          { AttributeName: 'reviewingOrganisation', KeyType: 'HASH' },
          { AttributeName: 'raisedAt', KeyType: 'RANGE' },
        ],
      }),
      expect.objectContaining({ IndexName: 'alertsAwaitingDigest' }),
    ]);
  });

  it('builds every table’s keys and indexes from the shared definitions', () => {
    for (const definition of Object.values(TABLES)) {
      data.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: `contactpoint-staging-${definition.id}`,
        KeySchema: Match.arrayWith([{ AttributeName: definition.partitionKey.name, KeyType: 'HASH' }]),
        ...(definition.indexes.length > 0 && {
          GlobalSecondaryIndexes: definition.indexes.map((i) => Match.objectLike({ IndexName: i.indexName })),
        }),
      });
    }
  });

  it('keeps streams where a consumer needs them and TTL where records expire', () => {
    for (const definition of Object.values(TABLES) as {
      id: string;
      stream?: string;
      timeToLive?: string;
    }[]) {
      data.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: `contactpoint-staging-${definition.id}`,
        StreamSpecification: definition.stream ? { StreamViewType: definition.stream } : Match.absent(),
        TimeToLiveSpecification: definition.timeToLive
          ? { AttributeName: definition.timeToLive, Enabled: true }
          : Match.absent(),
      });
    }
  });

  it('backs every table up daily into an encrypted vault', () => {
    data.hasResourceProperties('AWS::Backup::BackupVault', { EncryptionKeyArn: Match.anyValue() });
    data.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: { BackupPlanRule: [Match.objectLike({ Lifecycle: { DeleteAfterDays: 35 } })] },
    });
  });
});

describe('identity', () => {
  it('requires MFA for every user, by authenticator app only — never SMS', () => {
    identity.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
    });
  });

  it('enforces threat protection on the Plus feature plan, with no self sign-up and a strong password policy', () => {
    identity.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 14, RequireSymbols: true }) },
    });
  });

  it('has a group per role and organisation and local-authority attributes', () => {
    for (const role of ROLES)
      identity.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: role });
    identity.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: Match.arrayWith([
        Match.objectLike({ Name: 'organisationId' }),
        Match.objectLike({ Name: 'localAuthority' }),
      ]),
    });
  });

  it('gives the browser a public client (code flow with PKCE, no secret) with short, revocable tokens', () => {
    identity.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      EnableTokenRevocation: true,
      AccessTokenValidity: 15,
      TokenValidityUnits: Match.objectLike({ AccessToken: 'minutes' }),
    });
  });

  it('gives each case management system client credentials whose only scope writes involvements', () => {
    identity.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: 'cms-leeds-cms',
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: [{ 'Fn::Join': ['', [Match.anyValue(), '/involvements.write']] }],
    });
  });

  it('creates each council identity provider from the checked-in configuration, secrets by reference only', () => {
    identity.hasResourceProperties('AWS::Cognito::UserPoolIdentityProvider', {
      ProviderName: 'LeedsCC',
      ProviderType: 'SAML',
    });
    identity.hasResourceProperties('AWS::Cognito::UserPoolIdentityProvider', {
      ProviderName: 'BradfordMDC',
      ProviderType: 'OIDC',
      ProviderDetails: Match.objectLike({
        client_secret: Match.stringLikeRegexp('^\\{\\{resolve:secretsmanager:'),
      }),
    });
  });

  it('runs the pre-token-generation trigger (V2) that adds claims and refuses federated sign-ins without MFA', () => {
    identity.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: { PreTokenGenerationConfig: { LambdaArn: Match.anyValue(), LambdaVersion: 'V2_0' } },
    });
  });
});

describe('api', () => {
  it('uses the Cognito authorizer on every method except GET /openapi.json and CORS preflight', () => {
    const methods = resourcesOf(api, 'AWS::ApiGateway::Method');
    expect(methods.length).toBeGreaterThan(ROUTES.length);
    for (const method of methods) {
      const { HttpMethod, AuthorizationType, ResourceId } = method.Properties as Record<string, unknown>;
      const isOpenApi = JSON.stringify(ResourceId).includes('openapijson') && HttpMethod === 'GET';
      if (HttpMethod === 'OPTIONS' || isOpenApi) expect(AuthorizationType).toBe('NONE');
      else expect(AuthorizationType).toBe('COGNITO_USER_POOLS');
    }
  });

  it('validates requests and requires a reason on search and view (R5) and If-Match on PATCH', () => {
    api.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
    api.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'GET',
      RequestParameters: Match.objectLike({ 'method.request.querystring.reason': true }),
    });
    api.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'PATCH',
      RequestParameters: Match.objectLike({ 'method.request.header.If-Match': true }),
    });
  });

  it('throttles the stage, traces it, and writes JSON access logs without query strings to an encrypted log group', () => {
    const stage = resourcesOf(api, 'AWS::ApiGateway::Stage')[0]?.Properties as Record<string, unknown>;
    expect(stage.TracingEnabled).toBe(true);
    expect(stage.MethodSettings).toEqual([
      expect.objectContaining({
        ThrottlingRateLimit: 50,
        ThrottlingBurstLimit: 100,
        DataTraceEnabled: false,
      }),
    ]);
    const format = (stage.AccessLogSetting as { Format: string }).Format;
    expect(JSON.parse(format)).toMatchObject({
      requestId: '$context.requestId',
      resource: '$context.resourcePath',
    });
    expect(format).not.toMatch(/querystring|\$context\.path\b|requestOverride/i);
    for (const group of resourcesOf(api, 'AWS::Logs::LogGroup')) {
      expect(group.Properties.KmsKeyId).toBeDefined();
      expect(group.Properties.RetentionInDays).toBe(365);
    }
  });

  it('accepts TLS 1.2 or later only', () => {
    api.hasResourceProperties('AWS::ApiGateway::RestApi', {
      SecurityPolicy: TLS_SECURITY_POLICY,
      EndpointAccessMode: 'STRICT',
    });
  });

  it('associates a WAF web ACL with the stage: managed rules, a per-IP rate, a per-user rate and its companion', () => {
    api.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: Match.anyValue(),
      WebACLArn: Match.anyValue(),
    });
    const acl = resourcesOf(api, 'AWS::WAFv2::WebACL')[0]?.Properties as {
      Rules: { Name: string; Statement: unknown }[];
    };
    const names = acl.Rules.map((r) => r.Name);
    expect(names).toEqual(
      expect.arrayContaining([
        'AWSManagedRulesCommonRuleSet',
        'AWSManagedRulesKnownBadInputsRuleSet',
        'RatePerIp',
        'RatePerUser',
        'RateWithoutUserKey',
      ]),
    );
    const perUser = acl.Rules.find((r) => r.Name === 'RatePerUser');
    expect(JSON.stringify(perUser?.Statement)).toContain('"CustomKeys"');
    const companion = acl.Rules.find((r) => r.Name === 'RateWithoutUserKey');
    expect(JSON.stringify(companion?.Statement)).toContain('NotStatement');
    api.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      RedactedFields: Match.arrayWith([{ SingleHeader: { Name: 'authorization' } }]),
    });
  });

  it('runs every function on Node 24, ARM64, with reserved concurrency, tracing and a role of its own', () => {
    const functions = resourcesOf(api, 'AWS::Lambda::Function');
    expect(functions).toHaveLength(ROUTES.length); // one per route; jobs have a stack of their own
    const all = [api, jobs, feeds, identity, consoleStack].flatMap(houseFunctions);
    const roles = new Set<string>();
    for (const fn of all) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        ReservedConcurrentExecutions: expect.any(Number),
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: expect.anything() },
      });
      roles.add(JSON.stringify(fn.Properties.Role));
    }
    expect(roles.size).toBe(all.length);
  });

  it('deploys every function of the manifest once, with exactly the settings it declares, so none fails at cold start', () => {
    const deployed: string[] = [];
    for (const template of [api, jobs, feeds, identity, consoleStack]) {
      const roles = Object.fromEntries(
        Object.entries(template.findResources('AWS::IAM::Role')).map(([id, r]) => [
          id,
          String(r.Properties.Description).replace(/^ContactPoint (\S+):.*$/, '$1'),
        ]),
      );
      for (const fn of houseFunctions(template)) {
        const role = (fn.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
        const definition = FUNCTIONS.find((f) => f.name === roles[role]);
        if (!definition) throw new Error(`a deployed function that is not in the manifest: ${roles[role]}`);
        deployed.push(definition.name);
        const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
        // Names of deployed resources are references resolved at deploy time; any string stands in here, and
        // any URL for one CloudFormation builds from them (the console's API_URL).
        const asDeployed = Object.fromEntries(
          Object.entries({ AWS_REGION: 'eu-west-2', ...variables }).map(([k, v]) => [
            k,
            typeof v === 'string'
              ? v
              : JSON.stringify(v).includes('https://')
                ? `https://resolved-${k.toLowerCase().replaceAll('_', '-')}.invalid/`
                : `resolved-${k}`,
          ]),
        );
        for (const group of definition.settings) expect(() => readSettings(group, asDeployed)).not.toThrow();
        const settings = Object.keys(variables).filter((k) => !/^(NODE_OPTIONS|POWERTOOLS_)/.test(k));
        expect(settingNames(definition.settings), definition.name).toEqual(expect.arrayContaining(settings));
        expect(asDeployed.DYNAMODB_ENDPOINT).toBeUndefined();
        expect(asDeployed.LOCAL_SEAL_DIR).toBeUndefined();
      }
    }
    expect(deployed.sort()).toEqual(FUNCTIONS.map((f) => f.name).sort());
  });

  it('grants each function only the DynamoDB actions its route declares, and none may change the audit trail (R6)', () => {
    const policies = resourcesOf(api, 'AWS::IAM::ManagedPolicy');
    const dynamoActions = policies.map((p) =>
      (p.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement.flatMap((s) =>
        [s.Action].flat().filter((a) => a.startsWith('dynamodb:')),
      ),
    );
    const declared = FUNCTIONS.filter((f) => f.trigger.kind === 'http').map((f) =>
      Object.values(f.access)
        .flat()
        .map((a) => `dynamodb:${a}`),
    );
    expect(dynamoActions.map((a) => [...new Set(a)].sort())).toEqual(
      expect.arrayContaining(declared.map((a) => [...new Set(a)].sort())),
    );
    const text = JSON.stringify(policies);
    // Only the account routes administer sign-ins (and the DBS-expiry job, in the jobs stack), only on the pool.
    const administering = policies.filter((p) => JSON.stringify(p).includes('cognito-idp:'));
    expect(administering).toHaveLength(
      FUNCTIONS.filter((f) => f.trigger.kind === 'http' && (f.identityActions ?? []).length > 0).length,
    );
    expect(text).not.toContain('cognito-idp:*');
    expect(text).not.toContain('dynamodb:*');
    expect(text).not.toContain('dynamodb:Scan');
    for (const policy of policies) {
      for (const statement of (
        policy.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }
      ).Statement) {
        if (JSON.stringify(statement.Resource).includes('AuditTable')) {
          expect([statement.Action].flat()).not.toEqual(expect.arrayContaining(['dynamodb:UpdateItem']));
          expect([statement.Action].flat()).not.toContain('dynamodb:DeleteItem');
        }
      }
    }
  });
});

describe('R4 nightly DBS expiry', () => {
  it('runs the suspension job every night, with a dead-letter queue for failures', () => {
    jobs.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(15 1 * * ? *)',
      Targets: [
        Match.objectLike({ DeadLetterConfig: Match.anyValue(), RetryPolicy: { MaximumRetryAttempts: 2 } }),
      ],
    });
    jobs.hasResourceProperties('AWS::Lambda::Function', {
      DeadLetterConfig: { TargetArn: Match.anyValue() },
      Environment: {
        Variables: Match.objectLike({ ALERTS_TABLE: Match.anyValue(), USER_POOL_ID: Match.anyValue() }),
      },
    });
  });
});

describe('audit', () => {
  it('keeps a multi-region trail with log file validation, encrypted with the audit key', () => {
    audit.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsMultiRegionTrail: true,
      EnableLogFileValidation: true,
      IncludeGlobalServiceEvents: true,
      KMSKeyId: Match.anyValue(),
      CloudWatchLogsLogGroupArn: Match.anyValue(),
    });
  });

  it('records management events in one trail and the data events of the child, involvement and audit tables in another', () => {
    const trails = resourcesOf(audit, 'AWS::CloudTrail::Trail').map(
      (t) => t.Properties as Record<string, unknown>,
    );
    expect(trails).toHaveLength(2);
    const data = trails.find((t) => t.AdvancedEventSelectors !== undefined) as Record<string, unknown>;
    const management = trails.find((t) => t !== data) as Record<string, unknown>;
    expect(JSON.stringify(management.EventSelectors ?? [])).not.toContain('DataResources');
    expect(management.CloudWatchLogsLogGroupArn).toBeDefined();
    expect(data.EventSelectors).toBeUndefined();
    expect(data.EnableLogFileValidation).toBe(true);
    const selectors = JSON.stringify(data.AdvancedEventSelectors);
    expect(selectors).toContain('AWS::DynamoDB::Table');
    for (const table of ['ChildrenTable', 'InvolvementsTable', 'AuditTable'])
      expect(selectors).toContain(table);
  });

  it('writes to a bucket with Object Lock in compliance mode for six years, versioning, TLS only and access logging', () => {
    audit.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: AUDIT_RETENTION_DAYS } },
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
      BucketEncryption: Match.objectLike({
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
        ],
      }),
    });
    audit.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('alarms on key disabling, IAM and trail changes, root use and unauthorised calls, to an encrypted topic', () => {
    for (const metric of [
      'KeyDisabledOrScheduledForDeletion',
      'IamPolicyChanged',
      'TrailChanged',
      'RootAccountUsed',
      'UnauthorisedApiCalls',
    ]) {
      audit.hasResourceProperties('AWS::Logs::MetricFilter', {
        MetricTransformations: [
          Match.objectLike({ MetricName: metric, MetricNamespace: 'ContactPoint/Security' }),
        ],
      });
      audit.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metric,
        AlarmActions: [Match.anyValue()],
      });
    }
    audit.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });
});

describe('R6 audit sealing', () => {
  it('feeds the audit table’s stream to one sealer, which writes seals into the Object Lock bucket with the HMAC key', () => {
    jobs.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: Match.anyValue(),
      StartingPosition: 'TRIM_HORIZON',
      ParallelizationFactor: 1,
    });
  });

  it('blocks on a failing batch and bisects it, never skipping it to an on-failure destination', () => {
    const mappings = resourcesOf(jobs, 'AWS::Lambda::EventSourceMapping');
    expect(mappings.length).toBeGreaterThan(0);
    for (const mapping of mappings) {
      expect(mapping.Properties).toMatchObject({
        MaximumRetryAttempts: -1,
        MaximumRecordAgeInSeconds: -1,
        BisectBatchOnFunctionError: true,
      });
      expect(mapping.Properties.DestinationConfig).toBeUndefined();
    }
    expect(JSON.stringify(resourcesOf(jobs, 'AWS::IAM::ManagedPolicy'))).not.toContain('sqs:SendMessage');
  });

  it('gives the sealer the HMAC key and the seal prefix, never delete', () => {
    jobs.hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: 1,
      Environment: {
        Variables: Match.objectLike({
          AUDIT_MAC_KEY_ID: Match.anyValue(),
          AUDIT_SEAL_BUCKET: Match.anyValue(),
        }),
      },
    });
    const sealer = JSON.stringify(
      resourcesOf(jobs, 'AWS::IAM::ManagedPolicy').find((p) =>
        JSON.stringify(p).includes('ContactPoint seal-audit-events'),
      ),
    );
    expect(sealer).toContain('kms:GenerateMac');
    expect(sealer).not.toContain('kms:VerifyMac');
    expect(sealer).toContain('audit-seals/*');
    // No role may delete in the seal bucket (the retention job deletes archives, in the archive bucket only).
    const sealBucketPolicies = resourcesOf(jobs, 'AWS::IAM::ManagedPolicy').filter((p) =>
      JSON.stringify(p).includes('SealBucketArn'),
    );
    expect(sealBucketPolicies.length).toBeGreaterThan(0);
    expect(JSON.stringify(sealBucketPolicies)).not.toContain('s3:Delete');
  });
});

describe('R6 nightly verification', () => {
  it('re-verifies the whole trail against its seals every night, with a dead-letter queue', () => {
    jobs.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(30 3 * * ? *)',
      Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue() })],
    });
    const verifier = JSON.stringify(
      resourcesOf(jobs, 'AWS::IAM::ManagedPolicy').find((p) =>
        JSON.stringify(p).includes('ContactPoint verify-audit-trail'),
      ),
    );
    expect(verifier).toContain('kms:VerifyMac');
    expect(verifier).not.toContain('kms:GenerateMac');
    expect(verifier).toContain('dynamodb:Scan');
  });
});

describe('monitoring', () => {
  it('has operators’ dashboards and alarms for the API, functions, tables, WAF and product metrics', () => {
    const monitoring = out.template('Monitoring');
    expect(resourcesOf(monitoring, 'AWS::CloudWatch::Dashboard').length).toBeGreaterThanOrEqual(2);
    const alarms = resourcesOf(monitoring, 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(FUNCTIONS.length);
    for (const alarm of alarms)
      expect(alarm.Properties.AlarmActions).toEqual([Match.anyValue()].map(() => expect.anything()));
    const body = JSON.stringify(resourcesOf(monitoring, 'AWS::CloudWatch::Dashboard'));
    // R6 and R10: audit writes, seal lag, verification failures and misuse alerts, with their alarms.
    for (const metric of ['AuditWrites', 'SealLagSeconds', 'AuditVerificationFailures', 'MisuseAlerts']) {
      expect(body).toContain(metric);
    }
    for (const name of ['SealLag', 'AuditVerification', 'MisuseDetection']) {
      expect(JSON.stringify(alarms)).toContain(name);
    }
    // R6: the seal lag and the sealer's iterator age alarm above the configured lag (staging: 900 s);
    // any poison event alarms.
    const alarmNamed = (name: string) =>
      alarms.find((a) => JSON.stringify(a.Properties.AlarmName ?? '').includes(name))?.Properties;
    for (const [name, metric, threshold] of [
      ['SealLag', 'SealLagSeconds', 900],
      ['SealConsumerIteratorAge', 'IteratorAge', 900_000],
      ['AuditPoisonEvents', 'AuditPoisonEvents', 0],
    ] as const) {
      const alarm = alarmNamed(name);
      expect(alarm?.Threshold, name).toBe(threshold);
      expect(alarm?.ComparisonOperator, name).toBe('GreaterThanThreshold');
      expect(JSON.stringify(alarm), name).toContain(`"${metric}"`);
    }
    for (const metric of [
      'Searches',
      'ShieldedViews',
      'Denials',
      'Latency',
      'BlockedRequests',
      'Throttles',
    ]) {
      expect(body).toContain(metric);
    }
  });
});
