import { RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  AuthorizationType,
  type CfnRestApi,
  CognitoUserPoolsAuthorizer,
  EndpointType,
  type IResource,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RequestValidator,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { type CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { routeScopes } from '#domain/access/permissions.ts';
import { REASON_CODES } from '#domain/access/reasons.ts';
import type { HttpFunction } from '#functions/define-function.ts';
import type { Environment } from '../config/environments.ts';
import { ContactPointFunction, type FunctionContext } from '../constructs/contactpoint-function.ts';
import { bearerTokenRules, commonRules, logWebAcl, webAcl } from '../constructs/firewall.ts';

export interface ApiStackProps extends StackProps {
  environment: Environment;
  /** The functions of the manifest that an API route triggers. */
  functions: readonly HttpFunction[];
  context: FunctionContext;
  userPool: IUserPool;
}

/** Regional REST API, TLS 1.2 or 1.3 only; STRICT endpoint access (SNI must match). */
export const TLS_SECURITY_POLICY = 'SecurityPolicy_TLS13_1_2_2021_06';

/**
 * The API: one function per route from the route table, each through the house construct; the
 * Cognito authorizer on every method but the OpenAPI document and CORS preflight; request validation;
 * stage throttling; JSON access logs (never query strings: they carry children's names) to an
 * encrypted log group; X-Ray; and a WAF web ACL with AWS managed rules and per-IP and per-user rates.
 */
export class ApiStack extends Stack {
  readonly api: RestApi;
  readonly functions: ContactPointFunction[] = [];
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { environment } = props;

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      encryptionKey: props.context.logsKey,
      retention: props.context.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.api = new RestApi(this, 'Api', {
      restApiName: `contactpoint-${environment.name}`,
      description: 'ContactPoint: who else is working with this child',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: environment.name,
        throttlingRateLimit: environment.apiThrottling.rateLimit,
        throttlingBurstLimit: environment.apiThrottling.burstLimit,
        // Execution logs at ERROR only, and never request or response bodies (they hold child data).
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: AccessLogField.contextRequestId(),
            time: AccessLogField.contextRequestTime(),
            ip: AccessLogField.contextIdentitySourceIp(),
            user: AccessLogField.contextAuthorizerClaims('sub'),
            method: AccessLogField.contextHttpMethod(),
            // The route template (/children/{childId}), never the path with the child's ID in it.
            resource: AccessLogField.contextResourcePath(),
            status: AccessLogField.contextStatus(),
            latencyMs: AccessLogField.contextResponseLatency(),
            responseLength: AccessLogField.contextResponseLength(),
            wafStatus: AccessLogField.contextWafResponseCode(),
          }),
        ),
      },
      defaultCorsPreflightOptions: {
        allowOrigins: environment.webOrigins,
        allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
        allowHeaders: ['Authorization', 'Content-Type', 'If-Match', 'Idempotency-Key'],
      },
    });
    this.acknowledgeApiFindings();
    const cfnApi = this.api.node.defaultChild as CfnRestApi;
    cfnApi.addPropertyOverride('SecurityPolicy', TLS_SECURITY_POLICY);
    cfnApi.addPropertyOverride('EndpointAccessMode', 'STRICT');

    this.problemResponses();

    const authorizer = new CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      cognitoUserPools: [props.userPool],
    });
    const validator = new RequestValidator(this, 'Validator', {
      restApi: this.api,
      validateRequestBody: true,
      validateRequestParameters: true,
    });

    for (const definition of props.functions) {
      const { route } = definition.trigger;
      const fn = new ContactPointFunction(this, route.operationId, { definition, context: props.context });
      this.functions.push(fn);
      const resource = route.path
        .split('/')
        .filter(Boolean)
        .reduce<IResource>(
          (parent, part) => parent.getResource(part) ?? parent.addResource(part),
          this.api.root,
        );
      const requestParameters: Record<string, boolean> = {};
      for (const name of Object.keys(route.request.params?.shape ?? {}))
        requestParameters[`method.request.path.${name}`] = true;
      if (route.request.query?.shape && 'reason' in route.request.query.shape) {
        requestParameters['method.request.querystring.reason'] = true;
      }
      if (route.request.ifMatch) requestParameters['method.request.header.If-Match'] = true;
      // Routes a case management system may call take access tokens with a route scope (R8); see routeScopes.
      const scopes = routeScopes(route.action);
      const method = resource.addMethod(route.method, new LambdaIntegration(fn.function), {
        operationName: route.operationId,
        requestValidator: validator,
        requestParameters,
        ...(route.action === null
          ? { authorizationType: AuthorizationType.NONE }
          : {
              authorizationType: AuthorizationType.COGNITO,
              authorizer,
              ...(scopes.length > 0 && { authorizationScopes: [...scopes] }),
            }),
      });
      if (route.action === null) {
        for (const rule of ['APIG4', 'COG4']) {
          Validations.of(method).acknowledge({
            id: `AwsSolutions::AwsSolutions-${rule}`,
            reason: `${route.method} ${route.path} is public by design: the API description holds no data and integrators read it before they can sign in.`,
          });
        }
      }
    }

    this.webAcl = webAcl(this, 'WebAcl', {
      name: `contactpoint-${environment.name}`,
      scope: 'REGIONAL',
      rules: [
        ...commonRules(environment.wafRateLimits.perIpPer5Minutes),
        ...bearerTokenRules(environment.wafRateLimits.perUserPer5Minutes),
      ],
    });
    new CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.api.deploymentStage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
    logWebAcl(this, this.webAcl, {
      logGroupName: `aws-waf-logs-contactpoint-${environment.name}`,
      key: props.context.logsKey,
      retention: props.context.logRetention,
    });
  }

  /**
   * What API Gateway answers itself, before any function runs, in the same problem+json the functions use:
   * a refused token carries the Bearer challenge (RFC 6750), and a missing reason lists the codes (R5).
   */
  private problemResponses(): void {
    const problem = (status: number, title: string, detail: string) => ({
      'application/json': JSON.stringify({ type: 'about:blank', title, status, detail }),
    });
    const contentType = { 'Content-Type': "'application/problem+json'" };
    this.api.addGatewayResponse('Unauthorised', {
      type: ResponseType.UNAUTHORIZED,
      statusCode: '401',
      responseHeaders: { ...contentType, 'WWW-Authenticate': `'Bearer realm="ContactPoint"'` },
      templates: problem(
        401,
        'Sign-in needed',
        'Send a Cognito ID token as `Authorization: Bearer <token>`; this one is missing, malformed or expired.',
      ),
    });
    this.api.addGatewayResponse('MissingParameters', {
      type: ResponseType.BAD_REQUEST_PARAMETERS,
      statusCode: '400',
      responseHeaders: contentType,
      templates: problem(
        400,
        'The request is incomplete',
        `$context.error.validationErrorString. Every search and view states a reason (R5): reason=${Object.keys(REASON_CODES).join('|')}.`,
      ),
    });
  }

  private acknowledgeApiFindings(): void {
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        'API Gateway’s account-level logging role; this AWS-managed policy is the one AWS documents for it and grants log delivery only.',
    });
    for (const pack of ['HIPAA.Security', 'NIST.800.53.R5']) {
      Validations.of(this.api).acknowledge({
        id: `${pack}::${pack}-APIGWCacheEnabledAndEncrypted`,
        reason:
          'No response cache at all: a cached child record would be served without a reason, a permission check or an audit event (R5, R6).',
      });
      Validations.of(this.api).acknowledge({
        id: `${pack}::${pack}-APIGWSSLEnabled`,
        reason:
          'Backend client certificates authenticate API Gateway to HTTP backends; every integration here is Lambda, invoked through IAM.',
      });
    }
  }
}
