import { PolicyStatement } from 'aws-cdk-lib/aws-iam';

/**
 * What every state machine's role needs for its own execution logs and X-Ray traces. These actions authorise no
 * resource type, so IAM grants them only on `*`; none reads or writes data (the acknowledgement beside each use
 * says so).
 */
export function stateMachineServiceStatements(): PolicyStatement[] {
  return [
    new PolicyStatement({
      sid: 'DeliverExecutionLogs',
      actions: [
        'logs:CreateLogDelivery',
        'logs:GetLogDelivery',
        'logs:UpdateLogDelivery',
        'logs:DeleteLogDelivery',
        'logs:ListLogDeliveries',
        'logs:PutResourcePolicy',
        'logs:DescribeResourcePolicies',
        'logs:DescribeLogGroups',
      ],
      resources: ['*'],
    }),
    new PolicyStatement({
      sid: 'Tracing',
      actions: [
        'xray:PutTraceSegments',
        'xray:PutTelemetryRecords',
        'xray:GetSamplingRules',
        'xray:GetSamplingTargets',
      ],
      resources: ['*'],
    }),
  ];
}
