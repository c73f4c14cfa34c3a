import { RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnLoggingConfiguration, CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';

type Rule = CfnWebACL.RuleProperty;

const visibility = (metricName: string) => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: false,
});

const managed = (name: string, priority: number): Rule => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
  visibilityConfig: visibility(name),
});

/** The rules every ContactPoint web ACL starts with: AWS's managed groups and a rate per IP address. */
export function commonRules(perIpPer5Minutes: number): Rule[] {
  return [
    managed('AWSManagedRulesAmazonIpReputationList', 0),
    managed('AWSManagedRulesCommonRuleSet', 1),
    managed('AWSManagedRulesKnownBadInputsRuleSet', 2),
    {
      name: 'RatePerIp',
      priority: 10,
      action: { block: {} },
      statement: { rateBasedStatement: { limit: perIpPer5Minutes, aggregateKeyType: 'IP' } },
      visibilityConfig: visibility('RatePerIp'),
    },
  ];
}

/**
 * R10 for API callers: a rate per user, keyed on the bearer token, so one account cannot sweep the
 * directory; and its companion, since a rate rule ignores requests without its key: those are limited per IP.
 */
export function bearerTokenRules(perUserPer5Minutes: number): Rule[] {
  const hasAuthorization = {
    sizeConstraintStatement: {
      fieldToMatch: { singleHeader: { Name: 'authorization' } },
      comparisonOperator: 'GT',
      size: 0,
      textTransformations: [{ priority: 0, type: 'NONE' }],
    },
  };
  return [
    {
      name: 'RatePerUser',
      priority: 11,
      action: { block: {} },
      statement: {
        rateBasedStatement: {
          limit: perUserPer5Minutes,
          aggregateKeyType: 'CUSTOM_KEYS',
          customKeys: [
            { header: { name: 'authorization', textTransformations: [{ priority: 0, type: 'NONE' }] } },
          ],
        },
      },
      visibilityConfig: visibility('RatePerUser'),
    },
    {
      name: 'RateWithoutUserKey',
      priority: 12,
      action: { block: {} },
      statement: {
        rateBasedStatement: {
          limit: 100,
          aggregateKeyType: 'IP',
          scopeDownStatement: { notStatement: { statement: hasAuthorization } },
        },
      },
      visibilityConfig: visibility('RateWithoutUserKey'),
    },
  ];
}

/** A web ACL that allows what no rule blocks, with the house's metrics. */
export function webAcl(
  scope: Construct,
  id: string,
  options: { name: string; scope: 'REGIONAL' | 'CLOUDFRONT'; rules: Rule[] },
): CfnWebACL {
  return new CfnWebACL(scope, id, {
    name: options.name,
    scope: options.scope,
    defaultAction: { allow: {} },
    visibilityConfig: visibility('contactpoint'),
    rules: options.rules,
  });
}

/**
 * Every web ACL's requests logged to an encrypted log group of its own (WAF requires the `aws-waf-logs-`
 * prefix), with the fields that may carry a token, a session or a child's details redacted: the
 * Authorization and Cookie headers and the query string (searches carry names and dates of birth).
 */
export function logWebAcl(
  scope: Construct,
  acl: CfnWebACL,
  options: {
    logGroupName: string;
    key: IKey;
    retention: RetentionDays;
    ids?: { logs: string; logging: string };
  },
): LogGroup {
  const logs = new LogGroup(scope, options.ids?.logs ?? 'WafLogs', {
    logGroupName: options.logGroupName,
    encryptionKey: options.key,
    retention: options.retention,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  new CfnLoggingConfiguration(scope, options.ids?.logging ?? 'WafLogging', {
    resourceArn: acl.attrArn,
    logDestinationConfigs: [logs.logGroupArn],
    redactedFields: REDACTED_FIELDS,
  });
  return logs;
}

export const REDACTED_FIELDS = [
  { singleHeader: { Name: 'authorization' } },
  { singleHeader: { Name: 'cookie' } },
  { queryString: {} },
  // Paths name children and users (/children/CP…, /audit/users/…): logs never carry an identifier.
  { uriPath: {} },
];
