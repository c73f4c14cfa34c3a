import { type CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Match, Rule } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import {
  Choice,
  Condition,
  DefinitionBody,
  DistributedMap,
  Fail,
  JitterType,
  JsonPath,
  LogLevel,
  type QueryLanguage,
  ResultWriterV2,
  S3JsonItemReader,
  StateMachine,
  StateMachineType,
  Succeed,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { INCOMING_PREFIX, LOAD_OBJECTS, LOADS_PREFIX } from '#adapters/feeds/load-objects.ts';
import type { FeedLoadFunction } from '#functions/define-function.ts';
import { ContactPointFunction, type FunctionContext } from './contactpoint-function.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import { constructIdOf } from './names.ts';
import { stateMachineServiceStatements } from './state-machine-service.ts';

/**
 * At most this many chunks are linked at once, across every load (the link function's reserved
 * concurrency is the same). Each chunk links eight rows at a time, and a row costs about fifteen DynamoDB
 * calls (docs/performance/feed-load-estimate.md), so ten chunks can ask for thousands of requests a second:
 * a first national load needs the tables warmed or provisioned for it, and the map retries throttling with
 * backoff. A second load at the same time waits (Lambda throttles; the map retries).
 */
export const FEED_LOAD_MAX_CONCURRENCY = 10;

/** Lambda's own failures and throttling: retried with back-off, never the work itself failing. */
const LAMBDA_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/** Objects of one kind under every load, whatever its ID: `loads/<any>/chunks/<any>` and the like. */
const inLoads = (object: string) => `${LOADS_PREFIX}*/${object}${object.endsWith('/') ? '*' : ''}`;
const underEveryLoad = (bucket: IBucket, object: string) => bucket.arnForObjects(inLoads(object));

/**
 * A Distributed Map that states `ToleratedFailurePercentage: 0`: one chunk that fails after its retries
 * fails the map run (to be redriven), never a load reported complete without it. CDK drops a zero it is
 * given (it tests the number for truth), and zero is also Step Functions' default; written out, the intent
 * is in the definition and checked by a test.
 */
class NoFailureToleratedMap extends DistributedMap {
  override toStateJson(queryLanguage?: QueryLanguage): object {
    return { ...super.toStateJson(queryLanguage), ToleratedFailurePercentage: 0 };
  }
}

export interface FeedLoadProps {
  /** The split, link and report functions of the manifest (trigger kind feed-load). */
  functions: readonly FeedLoadFunction[];
  context: FunctionContext;
  bucket: IBucket;
  /** The key the bucket encrypts with, usable only through S3. */
  key: IKey;
  /** Fixed, so the state machine's role can name itself (Distributed Map starts child executions). */
  stateMachineName: string;
}

/**
 * A national feed load (R8), started when a feed file lands under incoming/<feed>/ (an EventBridge rule
 * on the bucket's Object Created events) or by an operator: Split the file into chunks, link every chunk
 * (a Distributed Map reading the load's manifest, ten at a time, retrying Lambda's failures and
 * throttling with back-off, tolerating no failed chunk, writing its results under the load), then Report.
 * A map run that failed is redriven from where it stopped: chunks already linked are not run again, and a
 * chunk linked twice changes nothing. Each function reads and writes only its own prefixes; the state
 * machine only the manifest, the results and its three functions.
 */
export class FeedLoad extends Construct {
  readonly functions: ContactPointFunction[];
  readonly stateMachine: StateMachine;
  readonly rule: Rule;
  private readonly bucketResource: CfnResource;

  constructor(scope: Construct, id: string, props: FeedLoadProps) {
    super(scope, id);
    const { bucket, key, context } = props;
    this.bucketResource = bucket.node.defaultChild as CfnResource;
    const region = Stack.of(this).region;
    const definitionOf = (step: FeedLoadFunction['trigger']['step']) => {
      const found = props.functions.find((f) => f.trigger.step === step);
      if (!found) throw new Error(`The feed load has no ${step} function in the manifest`);
      return found;
    };
    const useKey = (sid: string, actions: string[]) =>
      new PolicyStatement({
        sid,
        actions,
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } },
      });
    const fn = (
      step: FeedLoadFunction['trigger']['step'],
      statements: PolicyStatement[],
      reserved?: number,
    ) => {
      const definition = definitionOf(step);
      return new ContactPointFunction(this, constructIdOf(definition.name), {
        definition,
        context,
        ...(reserved !== undefined && { reservedConcurrency: reserved }),
        extraStatements: statements,
        noDeadLetterQueueBecause:
          'Invoked synchronously by the feed-load state machine, which retries Lambda’s own failures and stops the execution (or the map run) on any other, keeping the input it failed on for a redrive; there is no asynchronous event to dead-letter.',
      });
    };

    const split = fn('split', [
      new PolicyStatement({
        sid: 'ReadUploadedFeedFiles',
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [bucket.arnForObjects(`${INCOMING_PREFIX}*`)],
      }),
      new PolicyStatement({
        sid: 'WriteChunksManifestAndRefusals',
        actions: ['s3:PutObject'],
        resources: [
          underEveryLoad(bucket, LOAD_OBJECTS.chunks),
          underEveryLoad(bucket, LOAD_OBJECTS.manifest),
          underEveryLoad(bucket, LOAD_OBJECTS.report),
        ],
      }),
      useKey('FeedsKeyThroughS3', ['kms:Decrypt', 'kms:GenerateDataKey']),
    ]);
    const link = fn(
      'link',
      [
        new PolicyStatement({
          sid: 'ReadChunks',
          actions: ['s3:GetObject'],
          resources: [underEveryLoad(bucket, LOAD_OBJECTS.chunks)],
        }),
        new PolicyStatement({
          sid: 'WriteLargeRejects',
          actions: ['s3:PutObject'],
          resources: [underEveryLoad(bucket, LOAD_OBJECTS.rejects)],
        }),
        useKey('FeedsKeyThroughS3', ['kms:Decrypt', 'kms:GenerateDataKey']),
      ],
      FEED_LOAD_MAX_CONCURRENCY,
    );
    const report = fn('report', [
      new PolicyStatement({
        sid: 'ReadResultsAndRejects',
        actions: ['s3:GetObject'],
        resources: [
          underEveryLoad(bucket, LOAD_OBJECTS.results),
          underEveryLoad(bucket, LOAD_OBJECTS.rejects),
        ],
      }),
      new PolicyStatement({
        sid: 'WriteReport',
        actions: ['s3:PutObject'],
        resources: [underEveryLoad(bucket, LOAD_OBJECTS.report)],
      }),
      useKey('FeedsKeyThroughS3', ['kms:Decrypt', 'kms:GenerateDataKey']),
    ]);
    this.functions = [split, link, report];
    this.acknowledgePrefixes(split.policy, [
      `${INCOMING_PREFIX}*`,
      ...['chunks/', 'manifest.json', 'report.json'].map(inLoads),
    ]);
    this.acknowledgePrefixes(link.policy, ['chunks/', 'rejects/'].map(inLoads));
    this.acknowledgePrefixes(report.policy, ['results/', 'rejects/', 'report.json'].map(inLoads));

    const invoke = (id: string, target: ContactPointFunction, resultPath: string) => {
      const task = new LambdaInvoke(this, id, {
        lambdaFunction: target.function,
        payloadResponseOnly: true,
        retryOnServiceExceptions: false,
        resultPath,
      });
      task.addRetry({ errors: LAMBDA_ERRORS, interval: Duration.seconds(5), maxAttempts: 6, backoffRate: 2 });
      return task;
    };
    // The state becomes split's output: the load, its manifest, where the map writes its results.
    const splitTask = invoke('Split', split, '$');
    const linkChunk = invoke('LinkChunk', link, '$');
    // A chunk's own throttling (DynamoDB's, once the SDK's retries are spent) and a timed-out invocation
    // are retried too: linking a chunk again changes nothing already linked.
    linkChunk.addRetry({
      errors: ['ProvisionedThroughputExceededException', 'ThrottlingException', 'Sandbox.Timedout'],
      interval: Duration.seconds(10),
      maxAttempts: 4,
      backoffRate: 2,
      jitterStrategy: JitterType.FULL,
    });
    const chunks = new NoFailureToleratedMap(this, 'LinkChunks', {
      comment: 'Link every chunk of the file; a failed map run is redriven from where it stopped',
      mapExecutionType: StateMachineType.STANDARD,
      itemReader: new S3JsonItemReader({ bucket, key: JsonPath.stringAt('$.manifestKey') }),
      itemSelector: { 'chunkKey.$': '$$.Map.Item.Value' },
      maxConcurrency: FEED_LOAD_MAX_CONCURRENCY,
      resultWriterV2: new ResultWriterV2({ bucket, prefix: JsonPath.stringAt('$.resultsPrefix') }),
      resultPath: '$.results',
    });
    // Per chunk: Lambda's own failures and throttling (the link function's reserved concurrency is the
    // map's, so a second load at once is throttled) retried with back-off and jitter.
    chunks.itemProcessor(linkChunk);
    const reportTask = invoke('Report', report, '$');
    const refused = new Fail(this, 'Refused', {
      error: 'FeedFileRefused',
      causePath: JsonPath.stringAt('$.reason'),
    });
    const definition = splitTask.next(
      new Choice(this, 'Readable')
        .when(Condition.booleanEquals('$.refused', true), refused)
        .otherwise(chunks.next(reportTask).next(new Succeed(this, 'Reported'))),
    );

    const logs = new LogGroup(this, 'ExecutionLogs', {
      encryptionKey: context.logsKey,
      retention: context.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const { account, partition } = Stack.of(this);
    const stateMachineArn = `arn:${partition}:states:${region}:${account}:stateMachine:${props.stateMachineName}`;
    const executions = `arn:${partition}:states:${region}:${account}:execution:${props.stateMachineName}/*`;
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('states.amazonaws.com'),
      description:
        'ContactPoint feed-load state machine: its three functions, the manifest and results of its loads',
    });
    const policy = new ManagedPolicy(this, 'Policy', {
      description: 'ContactPoint feed-load state machine',
      roles: [role],
      statements: [
        new PolicyStatement({
          sid: 'InvokeItsFunctions',
          actions: ['lambda:InvokeFunction'],
          resources: this.functions.map((f) => f.function.functionArn),
        }),
        new PolicyStatement({
          sid: 'RunMapChildExecutions',
          actions: ['states:StartExecution'],
          resources: [stateMachineArn],
        }),
        new PolicyStatement({
          sid: 'ManageAndRedriveMapChildExecutions',
          actions: ['states:DescribeExecution', 'states:StopExecution', 'states:RedriveExecution'],
          resources: [executions],
        }),
        new PolicyStatement({
          sid: 'ReadManifest',
          actions: ['s3:GetObject'],
          resources: [underEveryLoad(bucket, LOAD_OBJECTS.manifest)],
        }),
        new PolicyStatement({
          sid: 'WriteMapResults',
          actions: ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
          resources: [underEveryLoad(bucket, LOAD_OBJECTS.results)],
        }),
        new PolicyStatement({
          sid: 'ListMapResults',
          actions: ['s3:ListBucket'],
          resources: [bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': [`${LOADS_PREFIX}*/${LOAD_OBJECTS.results}*`] } },
        }),
        useKey('FeedsKeyThroughS3', ['kms:Decrypt', 'kms:GenerateDataKey']),
        ...stateMachineServiceStatements(),
      ],
    });
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'Step Functions sets up log delivery (logs:*LogDelivery*, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups) and X-Ray tracing through actions that authorise no resource type: IAM can grant them only on *. None reads or writes data.',
    });
    this.acknowledgePrefixes(policy, ['manifest.json', 'results/'].map(inLoads));
    Validations.of(policy).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${region}:${account}:execution:${props.stateMachineName}/*]`,
      reason:
        'The Distributed Map’s child executions are named at run time; the wildcard covers executions of this one state machine only, to describe, stop and redrive them.',
    });

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      role: role.withoutPolicyUpdates(),
      comment: 'R8: load a national feed file — split, link every chunk, report',
      definitionBody: DefinitionBody.fromChainable(definition),
      timeout: Duration.days(2),
      tracingEnabled: true,
      // Every state's events, without the data they carry (the chunk keys and counts are safe, but a state's
      // data is no place for a feed's content, and none is logged in case one ever is).
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
    });
    this.stateMachine.node.addDependency(policy);
    // CDK adds a policy of its own for a Distributed Map (start, describe, stop and redrive this machine's
    // executions); given a role without policy updates it attaches it to nothing, so it is never deployed.
    // The same permissions, named by the machine's fixed name, are in the managed policy above.
    this.stateMachine.node.tryRemoveChild('DistributedMapPolicy');

    // Started when a feed file lands: S3 sends Object Created events to EventBridge (the bucket's
    // configuration), this rule matches CSV files under incoming/ and starts an execution with the event.
    const startRole = new Role(this, 'StartRole', {
      assumedBy: new ServicePrincipal('events.amazonaws.com'),
      description: 'ContactPoint feed-load rule: start the feed-load state machine',
    });
    new ManagedPolicy(this, 'StartPolicy', {
      description: 'ContactPoint feed-load rule',
      roles: [startRole],
      statements: [
        new PolicyStatement({
          sid: 'StartFeedLoads',
          actions: ['states:StartExecution'],
          resources: [stateMachineArn],
        }),
      ],
    });
    const undelivered = new DeadLetterQueue(this, 'UnstartedLoads', {
      key: context.logsKey,
      purpose: 'the feed-load rule (a landed file whose load could not be started)',
    }).queue;
    this.rule = new Rule(this, 'FileLanded', {
      description: 'R8: a national feed file landed under incoming/<feed>/: load it',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [bucket.bucketName] },
          object: { key: Match.wildcard(`${INCOMING_PREFIX}*.csv`) },
        },
      },
      targets: [
        new SfnStateMachine(this.stateMachine, {
          role: startRole.withoutPolicyUpdates(),
          retryAttempts: 4,
          maxEventAge: Duration.hours(24),
          deadLetterQueue: undelivered,
        }),
      ],
    });
  }

  /** Load IDs are made at run time; each wildcard is one kind of a load's objects, in this one bucket. */
  private acknowledgePrefixes(policy: ManagedPolicy, objects: string[]): void {
    const bucket = Stack.of(this).getLogicalId(this.bucketResource);
    for (const object of objects) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${bucket}.Arn>/${object}]`,
        reason: object.startsWith(INCOMING_PREFIX)
          ? 'Feed files are uploaded under incoming/<feed>/ with names the suppliers choose; the wildcard is that prefix of the feeds bucket only, read (never written) by the split function.'
          : `Load IDs are made at run time from the uploaded file; the wildcard is the load ID (and, for a folder, the object name) of ${object} objects of the feeds bucket only, one kind of a load's objects per statement.`,
      });
    }
  }
}
