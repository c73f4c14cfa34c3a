import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { INVOLVEMENTS_BY_RECORDER_INDEX } from '#adapters/dynamo/tables.ts';
import { type Synthesised, synthesise } from './synth.ts';

let out: Synthesised;
let api: Template;
let jobs: Template;
let data: Template;

beforeAll(async () => {
  out = await synthesise();
  api = out.template('Api');
  jobs = out.template('Jobs');
  data = out.template('Data');
}, 180_000);

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
type Statement = { Action: string | string[]; Resource: unknown };
const policies = (t: Template) =>
  Object.values(t.findResources('AWS::IAM::ManagedPolicy') as Resources).map((p) => ({
    description: p.Properties.Description as string,
    statements: (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
  }));
const policyOf = (t: Template, functionName: string) => {
  const found = policies(t).find((p) => p.description === `ContactPoint ${functionName}`);
  if (!found) throw new Error(`No managed policy for ${functionName}`);
  return found.statements;
};
const dynamoStatements = (statements: Statement[]) =>
  statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
const indexArn = `/index/${INVOLVEMENTS_BY_RECORDER_INDEX}`;

describe('the caseload (GET /me/involvements)', () => {
  it('keeps a sparse index of involvements by recorder and the time they were recorded', () => {
    data.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'childId', KeyType: 'HASH' },
        { AttributeName: 'involvementId', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: INVOLVEMENTS_BY_RECORDER_INDEX,
          KeySchema: [
            { AttributeName: 'recorder', KeyType: 'HASH' },
            { AttributeName: 'recordedAt', KeyType: 'RANGE' },
          ],
        }),
      ],
    });
  });

  it('lets the function only Query the involvements table and its recorder index, and read records and accounts', () => {
    const statements = dynamoStatements(policyOf(api, 'list-own-involvements'));
    const onInvolvements = statements.filter((s) => JSON.stringify(s.Resource).includes('InvolvementsTable'));
    expect(onInvolvements).toHaveLength(1);
    expect(onInvolvements[0]?.Action).toEqual('dynamodb:Query');
    const resources = JSON.stringify(onInvolvements[0]?.Resource);
    expect(resources).toContain(indexArn);
    // The table itself (each child's involvements, for the caller's view of the record) and that one index.
    expect(resources.match(/\/index\//g)).toHaveLength(1);
    const actions = statements.flatMap((s) => [s.Action].flat()).sort();
    expect(actions).toEqual(
      ['dynamodb:GetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'].sort(),
    );
    const puts = statements.filter((s) => [s.Action].flat().includes('dynamodb:PutItem'));
    // Its one write is its audit event (R6).
    expect(JSON.stringify(puts)).toMatch(/AuditTable/);
    expect(JSON.stringify(puts)).not.toMatch(/InvolvementsTable|ChildrenTable|DirectoryTable/);
  });

  it('lets no other function Query the recorder index, though many Query the involvements table', () => {
    const others = [...policies(api), ...policies(jobs)].filter(
      (p) => p.description !== 'ContactPoint list-own-involvements',
    );
    const queryingInvolvements = others.filter((p) =>
      dynamoStatements(p.statements).some(
        (s) =>
          [s.Action].flat().includes('dynamodb:Query') &&
          JSON.stringify(s.Resource).includes('InvolvementsTable'),
      ),
    );
    expect(queryingInvolvements.length).toBeGreaterThan(0);
    expect(others.filter((p) => JSON.stringify(p.statements).includes(indexArn))).toEqual([]);
  });
});
