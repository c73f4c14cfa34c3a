import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { INVOLVEMENTS_WRITE_SCOPE } from '#domain/access/machine-client.ts';
import { routeScopes, USER_ACCESS_SCOPE } from '#domain/access/permissions.ts';
import type { Trigger } from '#functions/define-function.ts';
import { FUNCTIONS, ROUTES } from '#functions/manifest.ts';
import { auditSealRoleName, searchKeysRoleName } from '#infra/constructs/names.ts';
import { AUDIT_TABLE_DENIED_ACTIONS } from '#infra/stacks/data-stack.ts';
import { BLOCKING_KEY_SECRET_CHANGES } from '#infra/stacks/keys-stack.ts';
import { type Statement, type Synthesised, synthesise } from './synth.ts';

/** The stack each kind of function is deployed in (infra/app-builder.ts). */
const STACK_OF = {
  http: 'Api',
  schedule: 'Jobs',
  stream: 'Jobs',
  job: 'Jobs',
  'feed-load': 'Feeds',
  'sign-in': 'Identity',
  web: 'Console',
} as const satisfies Record<Trigger['kind'], string>;

let out: Synthesised;
let keys: Template;
let data: Template;
let audit: Template;
let jobs: Template;

beforeAll(async () => {
  out = await synthesise();
  keys = out.template('Keys');
  data = out.template('Data');
  audit = out.template('Audit');
  jobs = out.template('Jobs');
}, 180_000);

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
const resourcesOf = (t: Template, type: string) => Object.values(t.findResources(type) as Resources);
const actionsOf = (s: Statement) => [s.Action].flat();

/** Every identity policy statement in every synthesised stack: managed, standalone and inline. */
function everyIdentityStatement(): { stack: string; statement: Statement }[] {
  const found: { stack: string; statement: Statement }[] = [];
  for (const file of readdirSync(out.outdir).filter((f) => f.endsWith('.template.json'))) {
    const resources = (JSON.parse(readFileSync(join(out.outdir, file), 'utf8')) as { Resources?: Resources })
      .Resources;
    for (const resource of Object.values(resources ?? {})) {
      const documents: unknown[] = [];
      if (resource.Type === 'AWS::IAM::ManagedPolicy' || resource.Type === 'AWS::IAM::Policy')
        documents.push(resource.Properties.PolicyDocument);
      if (resource.Type === 'AWS::IAM::Role')
        for (const inline of (resource.Properties.Policies ?? []) as { PolicyDocument: unknown }[])
          documents.push(inline.PolicyDocument);
      for (const document of documents)
        for (const statement of (document as { Statement: Statement[] }).Statement)
          found.push({ stack: file, statement });
    }
  }
  return found;
}

describe('R6: the audit seal key is used only by the sealer and the verifier', () => {
  const macKeyPolicy = () => {
    const key = resourcesOf(keys, 'AWS::KMS::Key').find(
      (k) => k.Properties.KeyUsage === 'GENERATE_VERIFY_MAC',
    );
    return (key?.Properties.KeyPolicy as { Statement: Statement[] } | undefined)?.Statement ?? [];
  };
  const roleArnIn = (value: unknown) => JSON.stringify(value);

  it('lets only the sealer’s role generate MACs and only the verifier’s role verify them, denying everyone else', () => {
    const statements = macKeyPolicy();
    const sealer = auditSealRoleName('staging', 'seal');
    const verifier = auditSealRoleName('staging', 'verify');
    for (const [action, role, other] of [
      ['kms:GenerateMac', sealer, verifier],
      ['kms:VerifyMac', verifier, sealer],
    ] as const) {
      const allows = statements.filter((s) => s.Effect === 'Allow' && actionsOf(s).includes(action));
      expect(allows).toHaveLength(1);
      expect(roleArnIn(allows[0]?.Condition?.ArnEquals?.['aws:PrincipalArn'])).toContain(`:role/${role}`);
      expect(roleArnIn(allows[0]?.Condition)).not.toContain(other);
      const denies = statements.filter((s) => s.Effect === 'Deny' && actionsOf(s).includes(action));
      expect(denies).toHaveLength(1);
      expect(denies[0]?.Principal).toEqual({ AWS: '*' });
      expect(roleArnIn(denies[0]?.Condition?.ArnNotEquals?.['aws:PrincipalArn'])).toContain(`:role/${role}`);
    }
    // No statement hands out the key's use more widely (kms:* or a wildcard over Mac actions).
    for (const s of statements.filter((st) => st.Effect === 'Allow'))
      expect(actionsOf(s).filter((a) => a === 'kms:*' || a === '*' || /Mac\*|\*Mac/.test(a))).toEqual([]);
  });

  it('gives the seal-audit-events and verify-audit-trail functions exactly the role names the key policy names', () => {
    const roles = resourcesOf(jobs, 'AWS::IAM::Role').map((r) => r.Properties.RoleName);
    expect(roles).toContain(auditSealRoleName('staging', 'seal'));
    expect(roles).toContain(auditSealRoleName('staging', 'verify'));
    // The functions behind those roles: the sealer's function uses the role the key lets generate MACs.
    const functions = resourcesOf(jobs, 'AWS::Lambda::Function');
    const roleOf = (name: string) => {
      const id = Object.entries(jobs.findResources('AWS::IAM::Role') as Resources).find(
        ([, r]) => r.Properties.RoleName === name,
      )?.[0];
      return functions.filter((f) => JSON.stringify(f.Properties.Role).includes(`"${id}"`));
    };
    expect(roleOf(auditSealRoleName('staging', 'seal'))).toHaveLength(1);
    expect(roleOf(auditSealRoleName('staging', 'verify'))).toHaveLength(1);
  });
});

describe('the blocking-key secret is read only by the functions that key children', () => {
  const secret = () => {
    const [found] = resourcesOf(keys, 'AWS::SecretsManager::Secret');
    return found as NonNullable<typeof found>;
  };
  /** Each function's managed policy, by the function named in its description, in every stack. */
  const functionPolicies = () =>
    (['Api', 'Jobs', 'Feeds', 'Identity', 'Console'] as const).flatMap((stack) =>
      resourcesOf(out.template(stack), 'AWS::IAM::ManagedPolicy').map((p) => ({
        name: String(p.Properties.Description).replace(/^ContactPoint /, ''),
        statements: (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
      })),
    );

  it('keeps the secret under a customer-managed key of its own, rotated yearly and usable only through Secrets Manager, with a value Secrets Manager generates', () => {
    expect(resourcesOf(keys, 'AWS::SecretsManager::Secret')).toHaveLength(1);
    const { Properties } = secret();
    expect(Properties.SecretString).toBeUndefined();
    expect(Properties.GenerateSecretString).toMatchObject({
      SecretStringTemplate: JSON.stringify({ current: 'k1' }),
      GenerateStringKey: 'k1',
      ExcludePunctuation: true,
      PasswordLength: expect.any(Number),
    });
    expect(
      (Properties.GenerateSecretString as { PasswordLength: number }).PasswordLength,
    ).toBeGreaterThanOrEqual(32);
    const keyId = (Properties.KmsKeyId as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const key = (keys.findResources('AWS::KMS::Key') as Resources)[keyId];
    expect(key?.Properties).toMatchObject({ EnableKeyRotation: true, RotationPeriodInDays: 365 });
    const policy = key?.Properties.KeyPolicy as { Statement: Statement[] } | undefined;
    const uses = (policy?.Statement ?? []).filter(
      (st) => st.Sid !== 'Administration' && st.Effect === 'Allow',
    );
    expect(uses).toHaveLength(1);
    expect(uses[0]?.Condition?.StringEquals?.['kms:ViaService']).toEqual([
      'secretsmanager.eu-west-2.amazonaws.com',
    ]);
    // No other resource of the keys stack is encrypted with it.
    expect(JSON.stringify(keys.toJSON().Resources).split(`"${keyId}"`).length - 1).toBe(2);
    expect(uses[0]?.Condition?.StringEquals?.['kms:CallerAccount']).toBe('111111111111');
  });

  it('lets exactly the functions that declare the searchKeys settings read the secret, and decrypt it only through Secrets Manager', () => {
    const declaring = FUNCTIONS.filter((f) => f.settings.includes('searchKeys')).map((f) => f.name);
    expect(declaring).toEqual(
      expect.arrayContaining([
        'search-children',
        'create-child',
        'update-child',
        'shield-child',
        'unshield-child',
        'rekey-children',
      ]),
    );
    // The console reads secrets of its own (its session key and origin header), never this one.
    const onBlockingKeySecret = (s: Statement) =>
      /BlockingKeySecret[0-9A-F]{8}/.test(JSON.stringify(s.Resource));
    const reading = functionPolicies().filter(({ statements }) =>
      statements.some(
        (s) => actionsOf(s).includes('secretsmanager:GetSecretValue') && onBlockingKeySecret(s),
      ),
    );
    expect(reading.map((p) => p.name).sort()).toEqual([...declaring].sort());
    const others = functionPolicies().filter(
      ({ name, statements }) =>
        !declaring.includes(name) &&
        statements.some((s) => actionsOf(s).some((a) => a.startsWith('secretsmanager:'))),
    );
    expect(others.map((p) => p.name)).toEqual(['serve-console']);
    expect(JSON.stringify(others[0]?.statements)).not.toMatch(/BlockingKeySecret/);
    for (const { name, statements } of reading) {
      const read = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('secretsmanager:')));
      expect(read, name).toHaveLength(1);
      expect(actionsOf(read[0] as Statement), name).toEqual(['secretsmanager:GetSecretValue']);
      expect(JSON.stringify(read[0]?.Resource), name).toMatch(/BlockingKeySecret[0-9A-F]{8}/);
      const decrypt = statements.find((s) => s.Sid === 'DecryptBlockingKeySecret');
      expect(actionsOf(decrypt as Statement)).toEqual(['kms:Decrypt']);
      expect(decrypt?.Condition?.StringEquals?.['kms:ViaService']).toBe(
        'secretsmanager.eu-west-2.amazonaws.com',
      );
      expect(JSON.stringify(decrypt?.Condition?.StringEquals?.['kms:EncryptionContext:SecretARN'])).toMatch(
        /BlockingKeySecret[0-9A-F]{8}/,
      );
    }
    // And no other identity statement anywhere reaches the secret or its key.
    const elsewhere = everyIdentityStatement().filter(
      ({ statement }) =>
        /BlockingKeySecret/.test(JSON.stringify(statement.Resource)) &&
        !['ReadBlockingKeySecret', 'DecryptBlockingKeySecret'].includes(statement.Sid ?? ''),
    );
    expect(elsewhere).toEqual([]);
  });

  const KEY_ADMINISTRATORS = 'arn:aws:iam::111111111111:role/contactpoint-key-administrators';
  const declaringNames = () => FUNCTIONS.filter((f) => f.settings.includes('searchKeys')).map((f) => f.name);
  /** The role ARNs a condition lists, as the template writes them (Fn::Join of the partition, or literal). */
  const arnsIn = (value: unknown) =>
    [value].flat().map((arn) => {
      const text = JSON.stringify(arn);
      return text.match(/:role\/([^"]+)"/)?.[1] ?? text;
    });

  it('denies reading the secret, and decrypting with its key, to every principal but the searchKeys functions’ roles and the key administrators', () => {
    const readers = [
      ...declaringNames().map((n) => searchKeysRoleName('staging', n)),
      'contactpoint-key-administrators',
    ];
    const [resourcePolicy, ...others] = resourcesOf(keys, 'AWS::SecretsManager::ResourcePolicy');
    expect(others).toHaveLength(0);
    expect(JSON.stringify(resourcePolicy?.Properties.SecretId)).toMatch(/BlockingKeySecret[0-9A-F]{8}/);
    const secretStatements =
      (resourcePolicy?.Properties.ResourcePolicy as { Statement: Statement[] } | undefined)?.Statement ?? [];
    const keyId = (secret().Properties.KmsKeyId as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const keyStatements =
      (
        (keys.findResources('AWS::KMS::Key') as Resources)[keyId]?.Properties.KeyPolicy as
          | { Statement: Statement[] }
          | undefined
      )?.Statement ?? [];
    // The deployment role may decrypt through Secrets Manager (creating the secret needs it), never read it.
    const deployment = 'cdk-hnb659fds-cfn-exec-role-111111111111-eu-west-2';
    for (const [statements, action, allowed] of [
      [secretStatements, 'secretsmanager:GetSecretValue', readers],
      [keyStatements, 'kms:Decrypt', [...readers, deployment]],
    ] as const) {
      const denies = statements.filter((st) => st.Effect === 'Deny' && actionsOf(st).includes(action));
      expect(denies, action).toHaveLength(1);
      expect(denies[0]?.Principal, action).toEqual({ AWS: '*' });
      expect(Object.keys(denies[0]?.Condition ?? {}), action).toEqual(['ArnNotEquals']);
      expect(arnsIn(denies[0]?.Condition?.ArnNotEquals?.['aws:PrincipalArn']).sort(), action).toEqual(
        [...allowed].sort(),
      );
    }
    // The secret's policy allows nothing: what may read it is decided by the functions' own policies.
    expect(secretStatements.filter((st) => st.Effect === 'Allow')).toEqual([]);
  });

  it('denies changing or deleting the secret to every principal but the key administrators', () => {
    const [resourcePolicy] = resourcesOf(keys, 'AWS::SecretsManager::ResourcePolicy');
    const statements =
      (resourcePolicy?.Properties.ResourcePolicy as { Statement: Statement[] } | undefined)?.Statement ?? [];
    for (const action of [
      'secretsmanager:PutSecretValue',
      'secretsmanager:UpdateSecret',
      'secretsmanager:DeleteSecret',
    ])
      expect(BLOCKING_KEY_SECRET_CHANGES).toContain(action);
    const denies = statements.filter(
      (st) => st.Effect === 'Deny' && actionsOf(st).includes('secretsmanager:PutSecretValue'),
    );
    expect(denies).toHaveLength(1);
    expect(actionsOf(denies[0] as Statement).sort()).toEqual([...BLOCKING_KEY_SECRET_CHANGES].sort());
    expect(denies[0]?.Principal).toEqual({ AWS: '*' });
    expect(denies[0]?.Condition).toEqual({ ArnNotEquals: { 'aws:PrincipalArn': KEY_ADMINISTRATORS } });
  });

  it('gives each function that reads the secret exactly the role name the secret’s and key’s policies name', () => {
    for (const name of declaringNames()) {
      const kind = FUNCTIONS.find((f) => f.name === name)?.trigger.kind;
      const stack = STACK_OF[kind as Trigger['kind']];
      const template = out.template(stack);
      const [roleId, ...more] = Object.entries(template.findResources('AWS::IAM::Role') as Resources)
        .filter(([, r]) => r.Properties.RoleName === searchKeysRoleName('staging', name))
        .map(([id]) => id);
      expect(more, name).toHaveLength(0);
      expect(roleId, name).toBeDefined();
      const functions = resourcesOf(template, 'AWS::Lambda::Function').filter((f) =>
        JSON.stringify(f.Properties.Role).includes(`"${roleId}"`),
      );
      expect(functions, name).toHaveLength(1);
      expect(JSON.stringify(functions[0]?.Properties.Environment), name).toContain('BLOCKING_KEY_SECRET_ID');
    }
  });

  it('gives the search function no write to the children table: it only queries the table and its blocking-key index', () => {
    const search = functionPolicies().find((p) => p.name === 'search-children');
    const onChildren = (search?.statements ?? []).filter(
      (s) =>
        JSON.stringify(s.Resource).includes('ChildrenTable') &&
        actionsOf(s).some((a) => a.startsWith('dynamodb:')),
    );
    expect(onChildren).toHaveLength(1);
    expect(actionsOf(onChildren[0] as Statement)).toEqual(['dynamodb:Query']);
    expect(JSON.stringify(onChildren[0]?.Resource)).toContain('/index/byBlockingKey');
  });

  it('runs the re-keying job from an operator-started state machine that may invoke only its function, retrying Lambda’s own failures', () => {
    const machines = resourcesOf(jobs, 'AWS::StepFunctions::StateMachine');
    expect(machines).toHaveLength(1);
    // Started by an operator: no schedule targets the machine or its function.
    expect(JSON.stringify(resourcesOf(jobs, 'AWS::Events::Rule'))).not.toContain('RekeyChildren');
    const definition = JSON.stringify(machines[0]?.Properties.DefinitionString);
    expect(definition).toContain('Lambda.ServiceException');
    expect(definition).toContain('Lambda.TooManyRequestsException');
    expect(definition).toContain('BooleanEquals');
    const policy = functionPolicies().find((p) => p.name === 'rekey-children state machine');
    const invoke = policy?.statements.filter((s) => actionsOf(s).some((a) => a.startsWith('lambda:')));
    expect(invoke).toHaveLength(1);
    expect(actionsOf(invoke?.[0] as Statement)).toEqual(['lambda:InvokeFunction']);
    expect(JSON.stringify(invoke?.[0]?.Resource)).toMatch(
      /^\{"Fn::GetAtt":\["RekeyChildrenJobFunction[0-9A-F]{8}","Arn"\]\}$/,
    );
    // The job's own role: scan and re-key the children table, nothing on any other table.
    const job = functionPolicies().find((p) => p.name === 'rekey-children');
    const tablesReached = (job?.statements ?? [])
      .filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')))
      .map((s) => JSON.stringify(s.Resource));
    expect(tablesReached).toHaveLength(1);
    expect(tablesReached[0]).toContain('ChildrenTable');
  });
});

describe('key administrators administer keys but cannot use them or hand out their use', () => {
  it('gives the administrators no grant, no wildcard create and no cryptographic action on any key', () => {
    for (const key of resourcesOf(keys, 'AWS::KMS::Key')) {
      const statements = (key.Properties.KeyPolicy as { Statement: Statement[] }).Statement;
      const administration = statements.find((s) => s.Sid === 'Administration');
      expect(administration).toBeDefined();
      const actions = actionsOf(administration as Statement);
      for (const forbidden of ['kms:CreateGrant', 'kms:Create*', 'kms:*', 'kms:GenerateMac', 'kms:Decrypt'])
        expect(actions).not.toContain(forbidden);
      expect(actions).toContain('kms:Put*'); // they can still replace the policy: that alarms
    }
  });
});

describe('R6: the audit table is append-only for every principal', () => {
  it('denies updating, deleting, batch-writing, PartiQL changes, TTL and deleting the table to everyone, in the audit table’s resource policy', () => {
    const tables = data.findResources('AWS::DynamoDB::Table') as Resources;
    const [, auditTable] = Object.entries(tables).find(([id]) => id.startsWith('AuditTable')) ?? [];
    const policy = auditTable?.Properties.ResourcePolicy as { PolicyDocument: { Statement: Statement[] } };
    const deny = policy.PolicyDocument.Statement.find((s) => s.Effect === 'Deny');
    expect(deny?.Principal).toEqual({ AWS: '*' });
    expect(actionsOf(deny as Statement)).toEqual(
      expect.arrayContaining([
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:PartiQLUpdate',
        'dynamodb:PartiQLDelete',
        'dynamodb:DeleteTable',
      ]),
    );
    expect(JSON.stringify(deny?.Resource)).toContain(':table/contactpoint-staging-audit');
    expect(JSON.stringify(deny?.Resource)).not.toContain('*');
    // No other table carries it: only the trail is append-only.
    const guarded = Object.entries(tables).filter(([, t]) => t.Properties.ResourcePolicy !== undefined);
    expect(guarded.map(([id]) => id)).toEqual([expect.stringMatching(/^AuditTable/)]);
  });

  it('grants no role in any stack an update, delete or wildcard action on the audit table', () => {
    const statements = everyIdentityStatement();
    expect(statements.length).toBeGreaterThan(20);
    const forbidden = new Set([...AUDIT_TABLE_DENIED_ACTIONS, 'dynamodb:*', '*']);
    const offending = statements.filter(({ statement }) => {
      if (statement.Effect !== 'Allow') return false;
      const resource = JSON.stringify(statement.Resource);
      // The audit table by cross-stack reference (AuditTable…, not AuditIndexTable…), by name, or any table.
      const reachesAudit =
        resource.includes('AuditTable') ||
        resource.includes('contactpoint-staging-audit"') ||
        resource === '"*"' ||
        resource.includes(':table/*');
      return reachesAudit && actionsOf(statement).some((a) => forbidden.has(a));
    });
    expect(offending).toEqual([]);
    // And what any role may do to the audit table is put (conditionally, in code), read, or read its stream.
    const auditWrites = statements.filter(
      ({ statement }) =>
        statement.Effect === 'Allow' &&
        JSON.stringify(statement.Resource).includes('AuditTable') &&
        actionsOf(statement).some((a) => a.startsWith('dynamodb:')),
    );
    expect(auditWrites.length).toBeGreaterThan(0);
    for (const { statement } of auditWrites)
      for (const action of actionsOf(statement))
        expect([
          'dynamodb:PutItem',
          'dynamodb:GetItem',
          'dynamodb:Query',
          'dynamodb:Scan',
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
        ]).toContain(action);
  });
});

describe('R6: seals are write-once in the bucket policy, and only the sealer writes them', () => {
  const bucketStatements = () =>
    resourcesOf(audit, 'AWS::S3::BucketPolicy').flatMap(
      (p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );

  it('denies any PutObject under audit-seals/ that lacks If-None-Match, to every principal', () => {
    const writeOnce = bucketStatements().find((s) => s.Sid === 'SealsAreWriteOnce');
    expect(writeOnce).toEqual({
      Sid: 'SealsAreWriteOnce',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Resource: {
        'Fn::Join': [
          '',
          [{ 'Fn::GetAtt': [expect.stringMatching(/^TrailBucket/), 'Arn'] }, '/audit-seals/*'],
        ],
      },
      Condition: { Null: { 's3:if-none-match': 'true' } },
    });
  });

  it('denies writing seals, kept events or the head hint to every principal but the sealer’s role', () => {
    const only = bucketStatements().find((s) => s.Sid === 'OnlyTheSealerWritesSeals');
    expect(only).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:PutObject' });
    const resources = JSON.stringify(only?.Resource);
    expect(resources).toContain('/audit-seals/*');
    expect(resources).toContain('/audit-seal-head.json');
    const notSealer = JSON.stringify(only?.Condition?.ArnNotEquals?.['aws:PrincipalArn']);
    expect(notSealer).toContain(`:role/${auditSealRoleName('staging', 'seal')}`);
  });

  it('denies deleting a seal (a delete marker would hide it) to every principal', () => {
    const never = bucketStatements().find((s) => s.Sid === 'SealsAreNeverDeleted');
    expect(never).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' } });
    expect(actionsOf(never as Statement).sort()).toEqual(['s3:DeleteObject', 's3:DeleteObjectVersion']);
    expect(JSON.stringify(never?.Resource)).toContain('/audit-seals/*');
  });

  it('lets the sealer overwrite only the head hint, outside the write-once prefix, and the verifier list versions', () => {
    const policy = (fn: string) =>
      JSON.stringify(
        resourcesOf(jobs, 'AWS::IAM::ManagedPolicy').find((p) =>
          JSON.stringify(p).includes(`ContactPoint ${fn}`),
        ),
      );
    expect(policy('seal-audit-events')).toContain('/audit-seal-head.json');
    expect(policy('seal-audit-events')).not.toContain('s3:ListBucketVersions');
    expect(policy('verify-audit-trail')).toContain('s3:ListBucketVersions');
    expect(policy('verify-audit-trail')).not.toContain('s3:PutObject');
  });
});

describe('CloudTrail records the data events of every table with people’s data, and of the seals', () => {
  it('selects the data events of the children, involvements, directory, audit, audit index, alerts, contact-request and idempotency tables, and the seal objects', () => {
    const trail = resourcesOf(audit, 'AWS::CloudTrail::Trail').find(
      (t) => t.Properties.AdvancedEventSelectors !== undefined,
    )?.Properties as {
      AdvancedEventSelectors: {
        FieldSelectors: { Field: string; Equals?: unknown[]; StartsWith?: unknown[] }[];
      }[];
    };
    const field = (name: string, type: string) =>
      trail.AdvancedEventSelectors.find((s) =>
        s.FieldSelectors.some((f) => f.Field === 'resources.type' && f.Equals?.includes(type)),
      )?.FieldSelectors.find((f) => f.Field === name);
    const tables = JSON.stringify(field('resources.ARN', 'AWS::DynamoDB::Table')?.Equals);
    for (const table of [
      'ChildrenTable',
      'InvolvementsTable',
      'DirectoryTable',
      'AuditTable',
      'AuditIndexTable',
      'AlertsTable',
      'ContactRequestsTable',
      // R8: the answers kept for retries are involvements as their callers were shown them.
      'IdempotencyTable',
    ])
      expect(tables, table).toContain(table);
    const seals = field('resources.ARN', 'AWS::S3::Object')?.StartsWith;
    expect(seals).toHaveLength(1);
    expect(JSON.stringify(seals)).toMatch(/TrailBucket[0-9A-F]{8}.*\/audit-seals\//);
    const streams = JSON.stringify(field('resources.ARN', 'AWS::DynamoDB::Stream')?.Equals);
    for (const table of ['ChildrenTable', 'InvolvementsTable', 'AuditTable'])
      expect(streams, `${table} stream`).toContain(table);
  });

  it('never sends data events, which carry item keys, to a CloudWatch log group; only the management trail feeds the alarms', () => {
    const trails = resourcesOf(audit, 'AWS::CloudTrail::Trail').map((t) => t.Properties);
    const withData = trails.filter((t) =>
      JSON.stringify(t.AdvancedEventSelectors ?? t.EventSelectors ?? '').includes('"Data"'),
    );
    expect(withData).toHaveLength(1);
    for (const trail of withData) {
      expect(trail.CloudWatchLogsLogGroupArn).toBeUndefined();
      expect(JSON.stringify(trail.AdvancedEventSelectors)).not.toContain('"Management"');
    }
    const logged = trails.filter((t) => t.CloudWatchLogsLogGroupArn !== undefined);
    expect(logged).toHaveLength(1);
    expect(
      JSON.stringify(logged[0]?.AdvancedEventSelectors ?? logged[0]?.EventSelectors ?? []),
    ).not.toContain('DynamoDB');
  });

  it('alarms when a key policy is replaced or a grant created directly, and when a table’s resource policy changes', () => {
    const filters = resourcesOf(audit, 'AWS::Logs::MetricFilter').map((f) =>
      typeof f.Properties.FilterPattern === 'string'
        ? f.Properties.FilterPattern
        : JSON.stringify(f.Properties.FilterPattern),
    );
    const keyFilter = filters.find((p) => p.includes('PutKeyPolicy'));
    expect(keyFilter).toContain('CreateGrant');
    expect(keyFilter).toContain('kms.amazonaws.com');
    expect(filters.find((p) => p.includes('DeleteResourcePolicy'))).toContain('dynamodb.amazonaws.com');
    const weakened = filters.find((p) => p.includes('DisableKeyRotation'));
    for (const call of ['DeleteAlias', 'RevokeGrant', 'RetireGrant']) expect(weakened).toContain(call);
    const tableSettings = filters.find((p) => p.includes('UpdateContinuousBackups'));
    for (const call of ['UpdateTable', 'DeleteTable']) expect(tableSettings).toContain(call);
    const bucket = filters.find((p) => p.includes('PutBucketPolicy'));
    for (const call of ['DeleteBucketPolicy', 'PutBucketLifecycle', 'PutObjectLockConfiguration'])
      expect(bucket).toContain(call);
    const sealRoles = filters.find((p) => p.includes('UpdateAssumeRolePolicy'));
    expect(sealRoles).toContain(auditSealRoleName('staging', 'seal'));
    expect(sealRoles).toContain(auditSealRoleName('staging', 'verify'));
    for (const name of [
      'TrailBucketPolicyChanged',
      'SealRolesChanged',
      'KeyPolicyChangedOrGrantCreated',
      'TableResourcePolicyChanged',
      'KeyProtectionWeakened',
      'TableSettingsChanged',
    ]) {
      const alarm = resourcesOf(audit, 'AWS::CloudWatch::Alarm').find(
        (a) => a.Properties.AlarmName === `ContactPoint-staging-${name}`,
      );
      expect(alarm?.Properties.AlarmActions, name).toHaveLength(1);
      expect(alarm?.Properties.Threshold).toBe(1);
    }
  });
});

describe('R4: signed-in users cannot write what decides their access', () => {
  const userClients = () =>
    resourcesOf(out.template('Identity'), 'AWS::Cognito::UserPoolClient').filter(
      (c) => c.Properties.GenerateSecret === false,
    );
  const writable = (c: { Properties: Record<string, unknown> }) =>
    [...((c.Properties.WriteAttributes as string[] | undefined) ?? [])].sort();

  const providersOf = (c: { Properties: Record<string, unknown> }) =>
    (c.Properties.SupportedIdentityProviders as string[] | undefined) ?? [];

  it('lets the pool users’ client write only their e-mail address, never organisation, groups or MFA evidence', () => {
    const pool = userClients().filter((c) => providersOf(c).join() === 'COGNITO');
    expect(pool).toHaveLength(1);
    expect(writable(pool[0] as (typeof pool)[number])).toEqual(['email']);
  });

  it('lets the council client write only the attributes a council sign-in maps, with no password flow and no token able to write them', () => {
    // The council client (councils only) and the console's (pool users and councils, through the hosted UI).
    const federated = userClients().filter((c) => providersOf(c).some((p) => p !== 'COGNITO'));
    expect(federated.map((c) => c.Properties.ClientName ?? 'council').sort()).toEqual([
      'console-staging',
      'council',
    ]);
    for (const client of federated) {
      expect(writable(client)).toEqual(['custom:groups', 'custom:mfa', 'email']);
      expect(client.Properties.ExplicitAuthFlows ?? []).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
      expect(client.Properties.AllowedOAuthFlows).toEqual(['code']);
    }
  });

  it('issues no code-flow token with the scope that lets a user write their own attributes', () => {
    for (const client of userClients()) {
      expect(client.Properties.AllowedOAuthScopes).not.toContain(USER_ACCESS_SCOPE);
      // The resource server's scope, rendered as its identifier (a Ref) joined to the scope's name.
      expect(JSON.stringify(client.Properties.AllowedOAuthScopes)).toContain(
        `/${INVOLVEMENTS_WRITE_SCOPE.split('/')[1]}`,
      );
    }
  });

  it('keeps the original e-mail address until a changed one is verified', () => {
    out.template('Identity').hasResourceProperties('AWS::Cognito::UserPool', {
      UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
    });
  });
});

describe('R8: case management systems reach the involvement routes with client-credentials access tokens', () => {
  it('puts the involvements scope and the users’ scope on exactly the routes a machine scope allows', () => {
    const api = out.template('Api');
    const methods = resourcesOf(api, 'AWS::ApiGateway::Method').filter(
      (m) => m.Properties.AuthorizationType === 'COGNITO_USER_POOLS',
    );
    const scoped = methods.filter((m) => m.Properties.AuthorizationScopes !== undefined);
    const expected = ROUTES.filter((r) => r.action !== null && routeScopes(r.action).length > 0);
    expect(expected.map((r) => r.action).sort()).toEqual(['register-involvement', 'update-involvement']);
    expect(scoped.map((m) => m.Properties.OperationName).sort()).toEqual(
      expected.map((r) => r.operationId).sort(),
    );
    for (const method of scoped)
      expect(method.Properties.AuthorizationScopes).toEqual([INVOLVEMENTS_WRITE_SCOPE, USER_ACCESS_SCOPE]);
  });

  it('issues the scope the routes name: the resource server’s identifier and scope, held by each machine client', () => {
    const identity = out.template('Identity');
    const [server] = resourcesOf(identity, 'AWS::Cognito::UserPoolResourceServer');
    const scopes = ((server?.Properties.Scopes ?? []) as { ScopeName: string }[]).map(
      (s) => `${server?.Properties.Identifier}/${s.ScopeName}`,
    );
    expect(scopes).toEqual([INVOLVEMENTS_WRITE_SCOPE]);
  });
});

describe('R8: only the involvement pushes reach the idempotency table', () => {
  const PUSHES = ['register-involvement', 'update-involvement'];
  const onIdempotencyTable = (s: Statement) => /IdempotencyTable/.test(JSON.stringify(s.Resource));

  it('declares the table and its actions on exactly the two push routes, with the setting that names it', () => {
    const declaring = FUNCTIONS.filter((f) => f.access.idempotency !== undefined);
    expect(declaring.map((f) => f.name).sort()).toEqual(PUSHES);
    for (const f of declaring) {
      expect([...(f.access.idempotency ?? [])].sort(), f.name).toEqual([
        'DeleteItem',
        'GetItem',
        'PutItem',
        'UpdateItem',
      ]);
      expect(f.settings, f.name).toContain('idempotency');
    }
    expect(FUNCTIONS.filter((f) => f.settings.includes('idempotency')).map((f) => f.name)).toEqual(
      declaring.map((f) => f.name),
    );
  });

  it('grants no other role in any stack any action on the idempotency table, and the two only item reads and writes', () => {
    const policies = (['Api', 'Jobs', 'Feeds', 'Identity', 'Console'] as const).flatMap((stack) =>
      resourcesOf(out.template(stack), 'AWS::IAM::ManagedPolicy').map((p) => ({
        name: String(p.Properties.Description).replace(/^ContactPoint /, ''),
        statements: (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
      })),
    );
    const reaching = policies.filter(({ statements }) => statements.some(onIdempotencyTable));
    expect(reaching.map((p) => p.name).sort()).toEqual(PUSHES);
    for (const { name, statements } of reaching) {
      const granted = statements.filter(onIdempotencyTable);
      expect(granted, name).toHaveLength(1);
      expect(actionsOf(granted[0] as Statement).sort(), name).toEqual([
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      ]);
    }
    const total = everyIdentityStatement().filter(({ statement }) => onIdempotencyTable(statement));
    expect(total).toHaveLength(PUSHES.length);
    const named = resourcesOf(out.template('Api'), 'AWS::Lambda::Function').filter((f) =>
      JSON.stringify(f.Properties.Environment ?? {}).includes('IDEMPOTENCY_TABLE'),
    );
    expect(named).toHaveLength(PUSHES.length);
  });

  it('keeps the answers in a table encrypted with the data key that expires them by TTL on expiresAt', () => {
    const tables = resourcesOf(data, 'AWS::DynamoDB::Table');
    const named = (id: string) =>
      tables.find((t) => t.Properties.TableName === `contactpoint-staging-${id}`)?.Properties;
    const answers = named('idempotency');
    expect(answers).toMatchObject({
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
    });
    const keyOf = (p: Record<string, unknown> | undefined) =>
      (p?.SSESpecification as { KMSMasterKeyId?: unknown } | undefined)?.KMSMasterKeyId;
    expect(keyOf(answers)).toEqual(keyOf(named('children')));
  });
});

describe('functions that write child records', () => {
  it('may check an identifier or identity claim in a transaction without writing it (dynamodb:ConditionCheckItem)', () => {
    // Those that create or replace a record through the child repository (the retention job only archives and
    // deletes what a record holds, with no claim to check).
    const writers = FUNCTIONS.filter(
      (f) => f.access.children?.includes('PutItem') && f.name !== 'run-retention',
    );
    expect(writers.map((f) => f.name)).toContain('link-feed-chunk');
    for (const writer of writers) expect(writer.access.children, writer.name).toContain('ConditionCheckItem');
  });
});
