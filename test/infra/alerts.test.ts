import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { AWAITING_DIGEST_INDEX } from '#adapters/dynamo/tables.ts';
import { ALERT_CONSUMER_MAX_AGE_MS } from '#infra/stacks/monitoring-stack.ts';
import { type Synthesised, synthesise } from './synth.ts';

let out: Synthesised;
let jobs: Template;
let api: Template;
let data: Template;
let identity: Template;
let monitoring: Template;

beforeAll(async () => {
  out = await synthesise();
  jobs = out.template('Jobs');
  api = out.template('Api');
  data = out.template('Data');
  identity = out.template('Identity');
  monitoring = out.template('Monitoring');
}, 180_000);

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
const resourcesOf = (t: Template, type: string) => Object.values(t.findResources(type) as Resources);
const policyOf = (t: Template, functionName: string) => {
  const found = resourcesOf(t, 'AWS::IAM::ManagedPolicy').find(
    (p) => p.Properties.Description === `ContactPoint ${functionName}`,
  );
  if (!found) throw new Error(`No managed policy for ${functionName}`);
  return (found.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
};
const actionsOf = (statements: Statement[]) => statements.flatMap((s) => [s.Action].flat());
describe('R9: the alert stream consumers', () => {
  const mappingFrom = (table: RegExp) => {
    const found = resourcesOf(jobs, 'AWS::Lambda::EventSourceMapping').filter((m) =>
      table.test(JSON.stringify(m.Properties.EventSourceArn)),
    );
    expect(found).toHaveLength(1);
    return found[0]?.Properties as Record<string, unknown>;
  };

  it('reads only record items of the children table’s stream, filtered before the function is invoked', () => {
    expect(mappingFrom(/Children/)).toMatchObject({
      FilterCriteria: {
        Filters: [{ Pattern: JSON.stringify({ dynamodb: { Keys: { sk: { S: ['RECORD'] } } } }) }],
      },
      StartingPosition: 'TRIM_HORIZON',
      ParallelizationFactor: 1,
    });
  });

  it('reads the involvements table’s stream, every change', () => {
    const mapping = mappingFrom(/Involvements/);
    expect(mapping).toMatchObject({ StartingPosition: 'TRIM_HORIZON', ParallelizationFactor: 1 });
    expect(mapping.FilterCriteria).toBeUndefined();
  });

  it('gives each consumer reads of the child, its involvements and accounts, and writes to the alerts table only', () => {
    for (const name of ['raise-record-alerts', 'raise-involvement-alerts']) {
      const actions = actionsOf(policyOf(jobs, name)).filter((a) => a.startsWith('dynamodb:'));
      expect(actions.sort()).toEqual(
        [
          'dynamodb:DescribeStream',
          'dynamodb:GetItem',
          'dynamodb:GetItem',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
          'dynamodb:PutItem',
          'dynamodb:Query',
        ].sort(),
      );
      const writes = policyOf(jobs, name).filter((s) => [s.Action].flat().includes('dynamodb:PutItem'));
      expect(JSON.stringify(writes)).toMatch(/AlertsTable/);
      expect(JSON.stringify(writes)).not.toMatch(/ChildrenTable|InvolvementsTable|DirectoryTable/);
    }
  });
});

describe('R9: watching the alert consumers', () => {
  it('pages operators when either consumer has changes waiting an hour (it retries, and the stream keeps 24 hours)', () => {
    const alarms = resourcesOf(monitoring, 'AWS::CloudWatch::Alarm').filter(
      (a) =>
        a.Properties.MetricName === 'IteratorAge' && a.Properties.Threshold === ALERT_CONSUMER_MAX_AGE_MS,
    );
    expect(alarms).toHaveLength(2);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toBeDefined();
  });
});

describe('R9: the daily digest', () => {
  it('runs once a day at 07:00 UTC', () => {
    jobs.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0 7 * * ? *)' });
  });

  it('may send mail only through the one SES identity, as the one sender address, and nothing else may', () => {
    const mail = policyOf(jobs, 'send-alert-digests').filter((s) =>
      [s.Action].flat().some((a) => a.startsWith('ses:')),
    );
    expect(mail).toEqual([
      expect.objectContaining({
        Action: 'ses:SendEmail',
        Condition: { StringEquals: { 'ses:FromAddress': 'alerts@staging.contactpoint.example.gov.uk' } },
      }),
    ]);
    expect(JSON.stringify(mail[0]?.Resource)).not.toContain('*');
    for (const template of [jobs, api]) {
      const senders = resourcesOf(template, 'AWS::IAM::ManagedPolicy').filter(
        (p) =>
          JSON.stringify(p).includes('ses:') &&
          p.Properties.Description !== 'ContactPoint send-alert-digests',
      );
      expect(senders).toEqual([]);
    }
  });

  it('verifies the sender domain with DKIM', () => {
    identity.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'staging.contactpoint.example.gov.uk',
    });
  });

  it('finds waiting alerts through a sparse index, and expires alerts by TTL', () => {
    data.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({ IndexName: AWAITING_DIGEST_INDEX, Projection: { ProjectionType: 'KEYS_ONLY' } }),
      ]),
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });
});

describe('R9: the inbox routes', () => {
  it('let a user read and mark only alerts-table items, with no scan', () => {
    for (const name of [
      'list-own-alerts',
      'mark-alert-read',
      'view-alert-preferences',
      'update-alert-preferences',
    ]) {
      const actions = actionsOf(policyOf(api, name));
      expect(actions).not.toContain('dynamodb:Scan');
      expect(actions.filter((a) => a.startsWith('ses:'))).toEqual([]);
    }
  });
});
