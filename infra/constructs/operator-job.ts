import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  LogLevel,
  StateMachine,
  Succeed,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { OperatorJobFunction } from '#functions/define-function.ts';
import { ContactPointFunction, type FunctionContext } from './contactpoint-function.ts';
import { stateMachineServiceStatements } from './state-machine-service.ts';

/**
 * The house operator job: a function that does a bounded share of the work and returns
 * `{ done, cursor }`, and a Step Functions state machine that invokes it, and again with the cursor it
 * returned, until it says done. Lambda's own failures (throttling, service errors) are retried with
 * back-off; a failure of the work itself stops the execution, which an operator can start again from the
 * last cursor. No schedule: an operator starts it.
 */
export class OperatorJob extends Construct {
  readonly fn: ContactPointFunction;
  readonly stateMachine: StateMachine;

  constructor(
    scope: Construct,
    id: string,
    props: { definition: OperatorJobFunction; context: FunctionContext },
  ) {
    super(scope, id);
    const { definition, context } = props;
    this.fn = new ContactPointFunction(this, 'Job', {
      definition,
      context,
      reservedConcurrency: 1,
      noDeadLetterQueueBecause:
        'Invoked synchronously by its state machine, which retries Lambda’s own failures and stops the execution on any other, keeping the input it failed on; there is no asynchronous event to dead-letter.',
    });
    const invoke = new LambdaInvoke(this, 'RunUntilPaused', {
      lambdaFunction: this.fn.function,
      // No payload given: the whole state is the event, `{}` to start, then what the last invocation returned.
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
    });
    invoke.addRetry({
      errors: [
        'Lambda.ServiceException',
        'Lambda.AWSLambdaException',
        'Lambda.SdkClientException',
        'Lambda.TooManyRequestsException',
      ],
      interval: Duration.seconds(5),
      maxAttempts: 6,
      backoffRate: 2,
    });
    const finished = new Succeed(this, 'Done');
    const logs = new LogGroup(this, 'ExecutionLogs', {
      encryptionKey: context.logsKey,
      retention: context.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // A role of its own with a customer-managed policy, as every function has: invoke this one function
    // (unqualified, so no version wildcard), deliver its execution logs, trace. CDK's own grants (inline,
    // and on the function's versions too) are not wanted, so it gets the role without policy updates.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('states.amazonaws.com'),
      description: `ContactPoint ${definition.name} state machine: invoke its function, log, trace`,
    });
    const policy = new ManagedPolicy(this, 'Policy', {
      description: `ContactPoint ${definition.name} state machine`,
      roles: [role],
      statements: [
        new PolicyStatement({
          sid: 'InvokeItsFunction',
          actions: ['lambda:InvokeFunction'],
          resources: [this.fn.function.functionArn],
        }),
        ...stateMachineServiceStatements(),
      ],
    });
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'Step Functions sets up log delivery (logs:*LogDelivery*, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups) and X-Ray tracing through actions that authorise no resource type: IAM can grant them only on *. None reads or writes data; invoking is granted on the one function ARN.',
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      role: role.withoutPolicyUpdates(),
      comment: definition.trigger.kind === 'job' ? definition.trigger.description : definition.name,
      definitionBody: DefinitionBody.fromChainable(
        invoke.next(
          new Choice(this, 'DoneYet')
            .when(Condition.booleanEquals('$.done', true), finished)
            .otherwise(invoke),
        ),
      ),
      timeout: Duration.days(2),
      tracingEnabled: true,
      // Every state's events, without the data they carry (the cursor holds record keys).
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
    });
    // Step Functions checks at creation that the role may deliver its logs.
    this.stateMachine.node.addDependency(policy);
  }
}
