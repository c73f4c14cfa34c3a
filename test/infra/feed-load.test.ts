import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '#functions/manifest.ts';
import { FEED_LOAD_MAX_CONCURRENCY } from '#infra/constructs/feed-load.ts';
import { FEED_FILE_RETENTION_DAYS } from '#infra/stacks/feeds-stack.ts';
import { type Statement, type Synthesised, synthesise } from './synth.ts';

let out: Synthesised;
let feeds: Template;
let keys: Template;
let audit: Template;

beforeAll(async () => {
  out = await synthesise();
  feeds = out.template('Feeds');
  keys = out.template('Keys');
  audit = out.template('Audit');
}, 180_000);

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
const resourcesOf = (t: Template, type: string) => Object.values(t.findResources(type) as Resources);
const only = <T>(items: T[]): T => {
  expect(items).toHaveLength(1);
  return items[0] as T;
};
const actionsOf = (s: Statement) => [s.Action].flat();

/** A template value as text: logical IDs without their hash, the partition as aws, imports by name. */
function rendered(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (v['Fn::Join']) return ((v['Fn::Join'] as [string, unknown[]])[1] ?? []).map(rendered).join('');
  if (v['Fn::GetAtt']) return `<${String((v['Fn::GetAtt'] as string[])[0]).replace(/[0-9A-F]{8}$/, '')}>`;
  if (v.Ref === 'AWS::Partition') return 'aws';
  if (v.Ref) return `<${String(v.Ref).replace(/[0-9A-F]{8}$/, '')}>`;
  if (v['Fn::ImportValue'])
    return `<import ${String(v['Fn::ImportValue'])
      .replace(/^.*FnGetAtt/, '')
      .replace(/[0-9A-F]{8}Arn[0-9A-F]{8}$/, '')}>`;
  return JSON.stringify(value);
}
const resourcesIn = (s: Statement) => [s.Resource].flat().map(rendered).sort();

/** Every statement of the managed policy with this description (ContactPoint <name>). */
function policy(description: string): Statement[] {
  const found = resourcesOf(feeds, 'AWS::IAM::ManagedPolicy').filter(
    (p) => p.Properties.Description === `ContactPoint ${description}`,
  );
  return (only(found).Properties.PolicyDocument as { Statement: Statement[] }).Statement;
}
/** Its S3 statements as `action on resource` lines, sorted: exactly what it may do to the bucket. */
function s3Grants(statements: Statement[]): string[] {
  return statements
    .filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')))
    .flatMap((s) => actionsOf(s).flatMap((a) => resourcesIn(s).map((r) => `${a} on ${r}`)))
    .sort();
}

/** The state machine's definition, with CloudFormation references as placeholders. */
function definition(): {
  StartAt: string;
  States: Record<string, Record<string, unknown>>;
} {
  const machine = only(resourcesOf(feeds, 'AWS::StepFunctions::StateMachine'));
  const parts = (machine.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : rendered(p))).join(''));
}

describe('R8: the feeds bucket', () => {
  it('encrypts every feed file with a customer-managed key of its own, rotated yearly and usable only through S3', () => {
    const bucket = only(resourcesOf(feeds, 'AWS::S3::Bucket'));
    const encryption = (
      bucket.Properties.BucketEncryption as {
        ServerSideEncryptionConfiguration: {
          BucketKeyEnabled: boolean;
          ServerSideEncryptionByDefault: { SSEAlgorithm: string; KMSMasterKeyID: unknown };
        }[];
      }
    ).ServerSideEncryptionConfiguration;
    expect(encryption).toHaveLength(1);
    expect(encryption[0]?.ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
    expect(encryption[0]?.BucketKeyEnabled).toBe(true);
    expect(rendered(encryption[0]?.ServerSideEncryptionByDefault.KMSMasterKeyID)).toMatch(/FeedsKey/);

    const [, key] = only(
      Object.entries(keys.findResources('AWS::KMS::Key') as Resources).filter(([id]) =>
        id.startsWith('FeedsKey'),
      ),
    );
    expect(key.Properties).toMatchObject({ EnableKeyRotation: true, RotationPeriodInDays: 365 });
    const uses = (key.Properties.KeyPolicy as { Statement: Statement[] }).Statement.filter((s) =>
      actionsOf(s).includes('kms:Decrypt'),
    );
    expect(only(uses).Condition?.StringEquals?.['kms:ViaService']).toEqual(['s3.eu-west-2.amazonaws.com']);
  });

  it('blocks all public access, enforces bucket-owner ownership, versions objects and refuses plain HTTP', () => {
    const bucket = only(resourcesOf(feeds, 'AWS::S3::Bucket'));
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      VersioningConfiguration: { Status: 'Enabled' },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    });
    const statements = (
      only(resourcesOf(feeds, 'AWS::S3::BucketPolicy')).Properties.PolicyDocument as {
        Statement: Statement[];
      }
    ).Statement;
    const tlsOnly = only(statements.filter((s) => s.Condition?.Bool?.['aws:SecureTransport'] === 'false'));
    expect(tlsOnly.Effect).toBe('Deny');
    expect(actionsOf(tlsOnly)).toEqual(['s3:*']);
    // No custom resource (CDK's notifications handler) is needed to send events to EventBridge.
    expect(resourcesOf(feeds, 'Custom::S3BucketNotifications')).toEqual([]);
  });

  it('expires feed files, chunks, results and reports after 30 days, replaced versions a day later', () => {
    const bucket = only(resourcesOf(feeds, 'AWS::S3::Bucket'));
    const rules = (bucket.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(FEED_FILE_RETENTION_DAYS).toBe(30);
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Status: 'Enabled',
          ExpirationInDays: FEED_FILE_RETENTION_DAYS,
          NoncurrentVersionExpiration: { NoncurrentDays: 1 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        }),
        expect.objectContaining({ Status: 'Enabled', ExpiredObjectDeleteMarker: true }),
      ]),
    );
    // Applies to the whole bucket: incoming/ and loads/ alike.
    for (const rule of rules) expect(rule.Prefix ?? rule.Filter).toBeUndefined();
  });

  it('logs every request to the access-log bucket, whose policy lets S3 deliver them for this bucket only', () => {
    const bucket = only(resourcesOf(feeds, 'AWS::S3::Bucket'));
    expect(bucket.Properties.BucketName).toBe('contactpoint-staging-feeds-111111111111');
    expect(
      rendered((bucket.Properties.LoggingConfiguration as Record<string, unknown>).DestinationBucketName),
    ).toMatch(/AccessLogs/);
    expect((bucket.Properties.LoggingConfiguration as Record<string, unknown>).LogFilePrefix).toBe(
      'feeds-bucket/',
    );
    const delivery = resourcesOf(audit, 'AWS::S3::BucketPolicy')
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
      .filter((s) => s.Sid === 'FeedsBucketServerAccessLogs');
    expect(only(delivery)).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: 's3:PutObject',
    });
    expect(rendered(only(delivery).Condition?.ArnLike?.['aws:SourceArn'])).toBe(
      'arn:aws:s3:::contactpoint-staging-feeds-111111111111',
    );
    expect(resourcesIn(only(delivery))).toEqual(['<AccessLogs>/feeds-bucket/*']);
    // And no other statement lets S3 deliver logs there without naming the bucket they are from.
    const unconditioned = resourcesOf(audit, 'AWS::S3::BucketPolicy')
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
      .filter(
        (s) => JSON.stringify(s.Principal).includes('logging.s3') && !s.Condition?.ArnLike?.['aws:SourceArn'],
      );
    expect(unconditioned).toEqual([]);
  });
});

describe('R8: the feed-load state machine', () => {
  it('splits the file, refuses an unreadable one, links every chunk in a Distributed Map and reports', () => {
    const machine = only(resourcesOf(feeds, 'AWS::StepFunctions::StateMachine'));
    expect(machine.Properties).toMatchObject({
      StateMachineType: 'STANDARD',
      StateMachineName: 'contactpoint-staging-feed-load',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
    const logGroupArn = (
      machine.Properties.LoggingConfiguration as {
        Destinations: { CloudWatchLogsLogGroup: { LogGroupArn: unknown } }[];
      }
    ).Destinations[0]?.CloudWatchLogsLogGroup.LogGroupArn;
    const logGroupId = (logGroupArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    expect(
      (feeds.findResources('AWS::Logs::LogGroup') as Resources)[logGroupId]?.Properties.KmsKeyId,
    ).toBeDefined();

    const { StartAt, States } = definition();
    expect(StartAt).toBe('Split');
    expect(States.Split).toMatchObject({
      Type: 'Task',
      Resource: '<FeedLoadSplitFeedFileFunction>',
      Next: 'Readable',
    });
    expect(States.Readable).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.refused', BooleanEquals: true, Next: 'Refused' }],
      Default: 'LinkChunks',
    });
    expect(States.Refused).toMatchObject({ Type: 'Fail', Error: 'FeedFileRefused', CausePath: '$.reason' });
    expect(States.LinkChunks?.Next).toBe('Report');
    expect(States.Report).toMatchObject({ Type: 'Task', Resource: '<FeedLoadReportFeedLoadFunction>' });
  });

  it('reads the load’s manifest, links ten chunks at a time, tolerates no failed chunk and writes results under the load', () => {
    const map = definition().States.LinkChunks as Record<string, unknown>;
    expect(map).toMatchObject({
      Type: 'Map',
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
      ItemReader: {
        Resource: 'arn:aws:states:::s3:getObject',
        ReaderConfig: { InputType: 'JSON' },
        Parameters: { Bucket: '<FeedsBucket>', 'Key.$': '$.manifestKey' },
      },
      ItemSelector: { 'chunkKey.$': '$$.Map.Item.Value' },
      MaxConcurrency: FEED_LOAD_MAX_CONCURRENCY,
      ToleratedFailurePercentage: 0,
      ResultWriter: {
        Resource: 'arn:aws:states:::s3:putObject',
        Parameters: { Bucket: '<FeedsBucket>', 'Prefix.$': '$.resultsPrefix' },
      },
      ResultPath: '$.results',
    });
    expect(FEED_LOAD_MAX_CONCURRENCY).toBe(10);
  });

  it('retries each step on Lambda’s own failures and throttling with back-off, and a chunk on DynamoDB throttling too', () => {
    const { States } = definition();
    const chunk = (
      (States.LinkChunks as { ItemProcessor: { States: Record<string, Record<string, unknown>> } })
        .ItemProcessor.States as Record<string, { Resource: string; Retry: Record<string, unknown>[] }>
    ).LinkChunk;
    expect(chunk?.Resource).toBe('<FeedLoadLinkFeedChunkFunction>');
    for (const step of [States.Split, chunk, States.Report] as { Retry: Record<string, unknown>[] }[]) {
      expect(step.Retry).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            ErrorEquals: expect.arrayContaining([
              'Lambda.ServiceException',
              'Lambda.TooManyRequestsException',
            ]),
            BackoffRate: 2,
            MaxAttempts: 6,
          }),
        ]),
      );
    }
    expect(chunk?.Retry).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          ErrorEquals: expect.arrayContaining([
            'ProvisionedThroughputExceededException',
            'ThrottlingException',
          ]),
          BackoffRate: 2,
          JitterStrategy: 'FULL',
        }),
      ]),
    );
    // A failure of the work itself is not retried: States.ALL would hide a bad chunk behind retries.
    expect(JSON.stringify(States)).not.toContain('States.ALL');
  });

  it('starts when a CSV file lands under incoming/ in the feeds bucket, with retries and a dead-letter queue', () => {
    const rule = only(resourcesOf(feeds, 'AWS::Events::Rule'));
    const pattern = rule.Properties.EventPattern as {
      source: string[];
      'detail-type': string[];
      detail: { bucket: { name: unknown[] }; object: { key: unknown[] } };
    };
    expect(pattern.source).toEqual(['aws.s3']);
    expect(pattern['detail-type']).toEqual(['Object Created']);
    expect(pattern.detail.bucket.name.map(rendered)).toEqual(['<FeedsBucket>']);
    expect(pattern.detail.object.key).toEqual([{ wildcard: 'incoming/*.csv' }]);
    const target = only(rule.Properties.Targets as Record<string, unknown>[]);
    expect(rendered(target.Arn)).toBe('<FeedLoadStateMachine>');
    expect(target.RetryPolicy).toMatchObject({ MaximumRetryAttempts: 4 });
    expect(rendered((target.DeadLetterConfig as { Arn: unknown }).Arn)).toMatch(/UnstartedLoadsQueue/);
    // Its role may start this one state machine, and nothing else.
    expect(policy('feed-load rule').map((s) => `${actionsOf(s).join()} on ${resourcesIn(s).join()}`)).toEqual(
      [
        'states:StartExecution on arn:aws:states:eu-west-2:111111111111:stateMachine:contactpoint-staging-feed-load',
      ],
    );
  });
});

describe('R8: each part of a feed load may touch only its own objects', () => {
  const loads = (object: string) => `<FeedsBucket>/loads/*/${object}`;

  it('lets the split function read uploads and write chunks, the manifest and a refusal’s report', () => {
    expect(s3Grants(policy('split-feed-file'))).toEqual(
      [
        's3:GetObject on <FeedsBucket>/incoming/*',
        's3:GetObjectVersion on <FeedsBucket>/incoming/*',
        `s3:PutObject on ${loads('chunks/*')}`,
        `s3:PutObject on ${loads('manifest.json')}`,
        `s3:PutObject on ${loads('report.json')}`,
      ].sort(),
    );
  });

  it('lets the link function read chunks and write rejects too many to return', () => {
    expect(s3Grants(policy('link-feed-chunk'))).toEqual(
      [`s3:GetObject on ${loads('chunks/*')}`, `s3:PutObject on ${loads('rejects/*')}`].sort(),
    );
  });

  it('lets the report function read the map’s results and rejects, and write the report', () => {
    expect(s3Grants(policy('report-feed-load'))).toEqual(
      [
        `s3:GetObject on ${loads('results/*')}`,
        `s3:GetObject on ${loads('rejects/*')}`,
        `s3:PutObject on ${loads('report.json')}`,
      ].sort(),
    );
  });

  it('gives each function the feeds key through S3 only, and the link function alone the tables the linkage uses', () => {
    for (const name of ['split-feed-file', 'link-feed-chunk', 'report-feed-load']) {
      const statements = policy(name);
      const key = only(statements.filter((s) => resourcesIn(s).some((r) => r.includes('FeedsKey'))));
      expect(actionsOf(key).sort(), name).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
      expect(key.Condition?.StringEquals?.['kms:ViaService'], name).toBe('s3.eu-west-2.amazonaws.com');
      const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
      if (name !== 'link-feed-chunk') expect(dynamo, name).toEqual([]);
      // Nothing may delete a feed object, and no S3 or KMS action is a wildcard.
      const actions = statements.flatMap(actionsOf);
      expect(
        actions.filter((a) => /^s3:Delete|^s3:\*|^kms:\*|^\*$/.test(a)),
        name,
      ).toEqual([]);
    }
    const link = FUNCTIONS.find((f) => f.name === 'link-feed-chunk');
    const tables = policy('link-feed-chunk')
      .filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')))
      .map((s) => `${actionsOf(s).sort().join()} on ${resourcesIn(s)[0]}`)
      .sort();
    expect(tables).toEqual(
      [
        `${(link?.access.children ?? [])
          .map((a) => `dynamodb:${a}`)
          .sort()
          .join()} on <import ChildrenTable>`,
        'dynamodb:PutItem on <import AuditTable>',
        `${(link?.access.reviews ?? [])
          .map((a) => `dynamodb:${a}`)
          .sort()
          .join()} on <import ReviewsTable>`,
      ].sort(),
    );
    expect(JSON.stringify(policy('link-feed-chunk'))).not.toContain('dynamodb:Scan');
  });

  it('runs at most as many link functions at once as the map runs chunks, so two loads together cannot overrun DynamoDB', () => {
    const link = resourcesOf(feeds, 'AWS::Lambda::Function').filter((f) =>
      rendered(f.Properties.Role).includes('LinkFeedChunk'),
    );
    expect(only(link).Properties.ReservedConcurrentExecutions).toBe(FEED_LOAD_MAX_CONCURRENCY);
  });

  it('lets the state machine invoke its three functions, run its own child executions, read manifests and write results', () => {
    const statements = policy('feed-load state machine');
    const invoke = only(statements.filter((s) => actionsOf(s).includes('lambda:InvokeFunction')));
    expect(actionsOf(invoke)).toEqual(['lambda:InvokeFunction']);
    expect(resourcesIn(invoke)).toEqual(
      [
        '<FeedLoadSplitFeedFileFunction>',
        '<FeedLoadLinkFeedChunkFunction>',
        '<FeedLoadReportFeedLoadFunction>',
      ].sort(),
    );
    const states = statements
      .filter((s) => actionsOf(s).some((a) => a.startsWith('states:')))
      .flatMap((s) => actionsOf(s).map((a) => `${a} on ${resourcesIn(s).join()}`))
      .sort();
    const arn = 'arn:aws:states:eu-west-2:111111111111';
    expect(states).toEqual(
      [
        `states:StartExecution on ${arn}:stateMachine:contactpoint-staging-feed-load`,
        `states:DescribeExecution on ${arn}:execution:contactpoint-staging-feed-load/*`,
        `states:StopExecution on ${arn}:execution:contactpoint-staging-feed-load/*`,
        `states:RedriveExecution on ${arn}:execution:contactpoint-staging-feed-load/*`,
      ].sort(),
    );
    expect(s3Grants(statements)).toEqual(
      [
        `s3:GetObject on ${loads('manifest.json')}`,
        `s3:PutObject on ${loads('results/*')}`,
        `s3:GetObject on ${loads('results/*')}`,
        `s3:ListMultipartUploadParts on ${loads('results/*')}`,
        `s3:AbortMultipartUpload on ${loads('results/*')}`,
        's3:ListBucket on <FeedsBucket>',
      ].sort(),
    );
    const list = only(statements.filter((s) => actionsOf(s).includes('s3:ListBucket')));
    expect(list.Condition?.StringLike?.['s3:prefix']).toEqual(['loads/*/results/*']);
    // CDK's own Distributed Map policy (inline) is not deployed: the role has only the managed policy.
    expect(resourcesOf(feeds, 'AWS::IAM::Policy')).toEqual([]);
  });
});
