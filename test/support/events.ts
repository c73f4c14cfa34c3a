import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

/** A REST API proxy event as API Gateway hands it to Lambda after the Cognito authorizer. */
export function apiEvent(options: {
  path: string;
  method?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  claims?: Record<string, string>;
}): APIGatewayProxyEvent {
  return {
    resource: options.path,
    path: options.path,
    httpMethod: options.method ?? 'GET',
    headers: options.headers ?? {},
    multiValueHeaders: {},
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: options.pathParameters ?? null,
    stageVariables: null,
    body: options.body === undefined ? null : JSON.stringify(options.body),
    isBase64Encoded: false,
    requestContext: {
      requestId: 'req-unit',
      identity: { sourceIp: '192.0.2.10' },
      authorizer: options.claims ? { claims: options.claims } : null,
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

export const lambdaContext = {
  functionName: 'unit',
  awsRequestId: 'req-unit',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-2:000000000000:function:unit',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

export const practitionerClaims = {
  sub: 'user-nurse',
  'cognito:groups': 'practitioner',
  'custom:organisationId': 'ORG-LEEDS-CH',
};

export const leedsHealthOrganisation = {
  pk: 'ORG#ORG-LEEDS-CH',
  sk: 'ORG',
  organisationId: 'ORG-LEEDS-CH',
  name: 'Leeds Community Healthcare NHS Trust',
  kind: 'health',
  accredited: true,
};

/** A vetted, active account item as the directory table holds it. */
export function accountItem(overrides: Record<string, unknown> = {}) {
  return {
    pk: 'USER#user-nurse',
    sk: 'USER',
    userId: 'user-nurse',
    email: 'nurse@leeds-ch.example.nhs.uk',
    organisationId: 'ORG-LEEDS-CH',
    roles: ['practitioner'],
    status: 'active',
    authorisedBy: 'Team manager',
    dbsCertificateDate: new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10),
    trainingCompletedOn: '2025-01-01',
    agreementSignedOn: '2025-01-01',
    mfaEnrolled: true,
    grantedBy: 'admin',
    version: 1,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

interface GetMock {
  on(command: unknown): { callsFake(fn: (input: { Key: { pk: string } }) => unknown): unknown };
}

/** Answers directory reads: organisations by ID, accounts by user ID. */
export function mockDirectory(
  db: GetMock,
  GetCommand: unknown,
  items: {
    organisations?: Record<string, unknown>[];
    accounts?: Record<string, unknown>[];
    machineClients?: Record<string, unknown>[];
  } = {},
) {
  const organisations = items.organisations ?? [
    { ...leedsHealthOrganisation, administeredBy: 'ORG-LEEDS-CC' },
  ];
  const accounts = items.accounts ?? [accountItem()];
  const machineClients = items.machineClients ?? [];
  db.on(GetCommand).callsFake((input) => {
    const pk = input.Key.pk;
    const item =
      organisations.find((o) => `ORG#${o.organisationId}` === pk) ??
      accounts.find((a) => `USER#${a.userId}` === pk) ??
      machineClients.find((c) => `CLIENT#${c.clientId}` === pk);
    return { Item: item };
  });
}
