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
