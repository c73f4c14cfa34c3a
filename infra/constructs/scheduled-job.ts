import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import type { ScheduledFunction } from '#functions/define-function.ts';
import { ContactPointFunction, type FunctionContext } from './contactpoint-function.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';

/**
 * The house scheduled job: its function (one run at a time), an EventBridge rule at the declared time
 * with two retries, and a dead-letter queue for a run that keeps failing — for the rule and the function
 * alike. The failed events are invocation records, not data, so the queue uses the logs key.
 */
export class ScheduledJob extends Construct {
  readonly fn: ContactPointFunction;

  constructor(
    scope: Construct,
    id: string,
    props: { definition: ScheduledFunction; context: FunctionContext },
  ) {
    super(scope, id);
    const { definition } = props;
    const failed = new DeadLetterQueue(this, 'Failures', {
      key: props.context.logsKey,
      purpose: `the scheduled job ${definition.name}`,
    }).queue;
    this.fn = new ContactPointFunction(this, 'Job', {
      definition,
      context: props.context,
      reservedConcurrency: 1,
      deadLetterQueue: failed,
    });
    const { hour, minute } = definition.trigger.daily;
    new Rule(this, 'Schedule', {
      description: definition.trigger.description,
      schedule: Schedule.cron({ hour: String(hour), minute: String(minute) }),
      targets: [new LambdaFunction(this.fn.function, { retryAttempts: 2, deadLetterQueue: failed })],
    });
  }
}
