import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { ComparisonOperator } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import {
  DefaultDashboardFactory,
  MetricStatistic,
  MonitoringFacade,
  SnsAlarmActionStrategy,
} from 'cdk-monitoring-constructs';
import type { Construct } from 'constructs';
import type { TableId } from '#adapters/dynamo/tables.ts';
import { PRODUCT_METRICS } from '#runtime/metrics.ts';
import type { Environment } from '../config/environments.ts';
import { constructIdOf } from '../constructs/names.ts';

/** R9: how long a change may wait for its alert consumer before operators are paged. */
export const ALERT_CONSUMER_MAX_AGE_MS = 60 * 60 * 1000;

export interface MonitoringStackProps extends StackProps {
  environment: Environment;
  api: RestApi;
  functions: { name: string; fn: IFunction }[];
  tables: Record<TableId, ITable>;
  webAcl: CfnWebACL;
  alarmTopic: ITopic;
}

/**
 * What operators watch — service health only, never child data: API latency (p50/p90/p99), 4xx and
 * 5xx, Lambda errors, throttles, duration and cold starts, DynamoDB latency and throttles, WAF blocks,
 * and the product's own counters from the handlers' EMF. Alarms notify the encrypted topic.
 */
export class MonitoringStack extends Stack {
  readonly monitoring: MonitoringFacade;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    const name = `ContactPoint-${props.environment.name}`;
    this.monitoring = new MonitoringFacade(this, 'Monitoring', {
      alarmFactoryDefaults: {
        alarmNamePrefix: name,
        actionsEnabled: true,
        action: new SnsAlarmActionStrategy({ onAlarmTopic: props.alarmTopic }),
        datapointsToAlarm: 2,
      },
      metricFactoryDefaults: { namespace: 'ContactPoint', period: Duration.minutes(1) },
      dashboardFactory: new DefaultDashboardFactory(this, 'Dashboards', {
        dashboardNamePrefix: name,
        createDashboard: true,
        createSummaryDashboard: true,
        createAlarmDashboard: true,
      }),
    });

    this.monitoring.addLargeHeader(`ContactPoint ${props.environment.name}`).monitorApiGateway({
      api: props.api,
      apiStage: props.api.deploymentStage.stageName,
      addLatencyP50Alarm: { Warning: { maxLatency: Duration.millis(300) } },
      addLatencyP90Alarm: { Warning: { maxLatency: Duration.millis(700) } },
      addLatencyP99Alarm: { Critical: { maxLatency: Duration.seconds(2) } },
      add5XXFaultRateAlarm: { Critical: { maxErrorRate: 1 } },
      add4XXErrorRateAlarm: { Warning: { maxErrorRate: 20 } },
    });
    for (const { name: functionName, fn } of props.functions) {
      this.monitoring.monitorLambdaFunction({
        lambdaFunction: fn,
        humanReadableName: functionName,
        alarmFriendlyName: functionName,
        addFaultRateAlarm: { Critical: { maxErrorRate: 1 } },
        addThrottlesCountAlarm: { Warning: { maxErrorCount: 1 } },
        addLatencyP99Alarm: { Warning: { maxLatency: Duration.seconds(3) } },
      });
    }
    for (const tableId of ['children', 'involvements', 'audit', 'directory'] as const) {
      this.monitoring.monitorDynamoTable({
        table: props.tables[tableId],
        alarmFriendlyName: tableId,
        addReadThrottledEventsCountAlarm: { Warning: { maxThrottledEventsThreshold: 1 } },
        addWriteThrottledEventsCountAlarm: { Critical: { maxThrottledEventsThreshold: 1 } },
        addSystemErrorCountAlarm: { Critical: { maxErrorCount: 1 } },
      });
    }
    this.monitoring.monitorWebApplicationFirewallAclV2({ acl: props.webAcl, region: this.region });
    const factory = this.monitoring.createMetricFactory();
    // R6: the chain must keep up within the configured lag; a blocked stream shows as iterator age.
    const lagSeconds = props.environment.auditSealLagSeconds;
    const sealer = props.functions.find((f) => f.name === 'seal-audit-events')?.fn;
    if (!sealer) throw new Error('The audit sealer (seal-audit-events) is not among the monitored functions');
    const auditMetric = (name: string, statistic: MetricStatistic) =>
      factory.createMetric(
        name,
        statistic,
        name,
        { service: 'contactpoint' },
        undefined,
        undefined,
        Duration.minutes(5),
      );
    this.monitoring.monitorCustom({
      alarmFriendlyName: 'AuditTrail',
      humanReadableName: 'Audit trail (R6) and misuse detection (R10)',
      metricGroups: [
        {
          title: 'Audit writes and sealing',
          metrics: [
            auditMetric('AuditWrites', MetricStatistic.SUM),
            {
              metric: auditMetric('SealLagSeconds', MetricStatistic.MAX),
              alarmFriendlyName: 'SealLag',
              addAlarm: {
                Critical: {
                  threshold: lagSeconds,
                  comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
                  additionalDescription: `Audit events waited more than the ${lagSeconds} s sealing lag (AUDIT_SEAL_LAG_SECONDS) for their seal.`,
                },
              },
            },
            {
              metric: sealer.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1) }),
              alarmFriendlyName: 'SealConsumerIteratorAge',
              addAlarm: {
                Critical: {
                  threshold: lagSeconds * 1000,
                  comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
                  additionalDescription: `The oldest audit event not yet sealed is older than the ${lagSeconds} s sealing lag: the sealer is failing or blocked (it retries, never skips).`,
                },
              },
            },
            {
              metric: auditMetric('AuditPoisonEvents', MetricStatistic.SUM),
              alarmFriendlyName: 'AuditPoisonEvents',
              addAlarm: {
                Critical: {
                  threshold: 0,
                  datapointsToAlarm: 1,
                  evaluationPeriods: 1,
                  comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
                  additionalDescription:
                    'An audit event could not be read from the stream and was left unsealed (logged by event ID; the verifier names it once older than the lag).',
                },
              },
            },
          ],
        },
        {
          title: 'Verification and misuse',
          metrics: [
            {
              metric: auditMetric('AuditVerificationFailures', MetricStatistic.MAX),
              alarmFriendlyName: 'AuditVerification',
              addAlarm: {
                Critical: {
                  threshold: 1,
                  comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                  additionalDescription:
                    'The nightly verification found a problem in the audit trail: an event edited, deleted, inserted, backdated, reordered or left unsealed past the lag, a seal replaced, or the audit index changed.',
                },
              },
            },
            auditMetric('MisuseAlerts', MetricStatistic.SUM),
            {
              metric: auditMetric('MisuseDetectionFailures', MetricStatistic.SUM),
              alarmFriendlyName: 'MisuseDetection',
              addAlarm: {
                Warning: {
                  threshold: 1,
                  comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                  additionalDescription: 'Misuse detection failed on some audit events (sealing continued).',
                },
              },
            },
          ],
        },
      ],
    });
    // R9: the alert consumers retry a failing batch until it succeeds; a blocked one must be seen well before
    // its stream trims the records it has not handled (24 hours).
    const alertConsumers = props.functions.filter((f) =>
      ['raise-record-alerts', 'raise-involvement-alerts'].includes(f.name),
    );
    if (alertConsumers.length !== 2)
      throw new Error('The two R9 alert consumers are not among the monitored functions');
    this.monitoring.monitorCustom({
      alarmFriendlyName: 'PractitionerAlerts',
      humanReadableName: 'Practitioner alerts (R9)',
      metricGroups: [
        {
          title: 'Alert consumers',
          metrics: alertConsumers.map(({ name, fn }) => ({
            metric: fn.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1) }),
            alarmFriendlyName: `${constructIdOf(name)}IteratorAge`,
            addAlarm: {
              Critical: {
                threshold: ALERT_CONSUMER_MAX_AGE_MS,
                comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
                additionalDescription: `${name} has changes waiting more than an hour: it is failing or blocked (it retries, never skips) and its stream keeps them for 24 hours.`,
              },
            },
          })),
        },
      ],
    });
    this.monitoring.monitorCustom({
      alarmFriendlyName: 'Product',
      humanReadableName: 'ContactPoint use (EMF from the handlers)',
      metricGroups: [
        {
          title: 'Searches, views and changes',
          metrics: PRODUCT_METRICS.map((metric) =>
            this.monitoring
              .createMetricFactory()
              .createMetric(metric, MetricStatistic.SUM, metric, { service: 'contactpoint' }),
          ),
        },
      ],
    });
  }
}
