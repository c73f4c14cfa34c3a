import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { FunctionDefinition } from '#functions/define-function.ts';
import { type AuditSealResources, grantAuditSeals } from '../constructs/audit-seal-access.ts';
import type { ContactPointFunction, FunctionContext } from '../constructs/contactpoint-function.ts';
import { constructIdOf } from '../constructs/names.ts';
import { OperatorJob } from '../constructs/operator-job.ts';
import { ScheduledJob } from '../constructs/scheduled-job.ts';
import { StreamConsumer } from '../constructs/stream-consumer.ts';

export interface JobsStackProps extends StackProps {
  /** The scheduled jobs, operator jobs and stream consumers of the function manifest. */
  functions: readonly FunctionDefinition[];
  context: FunctionContext;
  /** The audit chain's key and bucket, for the functions that seal or verify it (R6). */
  auditSeals: AuditSealResources;
}

/**
 * Everything that runs without a request: each scheduled job, operator job and stream consumer of the
 * manifest, built by the house constructs. Stateless like the API, so it can be redeployed on its own.
 */
export class JobsStack extends Stack {
  readonly functions: ContactPointFunction[] = [];

  constructor(scope: Construct, id: string, props: JobsStackProps) {
    super(scope, id, props);
    for (const definition of props.functions) {
      const { trigger } = definition;
      const id = constructIdOf(definition.name);
      let fn: ContactPointFunction;
      if (trigger.kind === 'schedule') {
        fn = new ScheduledJob(this, id, { definition: { ...definition, trigger }, context: props.context })
          .fn;
      } else if (trigger.kind === 'stream') {
        fn = new StreamConsumer(this, id, { definition: { ...definition, trigger }, context: props.context })
          .fn;
      } else if (trigger.kind === 'job') {
        fn = new OperatorJob(this, id, { definition: { ...definition, trigger }, context: props.context }).fn;
      } else {
        throw new Error(`${definition.name} is triggered by ${trigger.kind}, which is not a job`);
      }
      if (definition.auditSeals) grantAuditSeals(fn, definition.auditSeals, props.auditSeals);
      this.functions.push(fn);
    }
  }
}
