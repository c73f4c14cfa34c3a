import { Stack, type StackProps } from 'aws-cdk-lib';
import { Certificate, CertificateValidation } from 'aws-cdk-lib/aws-certificatemanager';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import type { Environment } from '../config/environments.ts';
import { administeredKey, logsEncryptOwnLogGroups } from '../constructs/administered-key.ts';
import { commonRules, logWebAcl, webAcl } from '../constructs/firewall.ts';

export interface ConsoleEdgeStackProps extends StackProps {
  environment: Environment;
  logRetention: RetentionDays;
}

/** The console's host name: the one in the environment's console URL (mail.consoleUrl, one source). */
export function consoleDomainOf(environment: Environment): string {
  return new URL(environment.mail.consoleUrl).hostname;
}

/**
 * What CloudFront requires in us-east-1 (N. Virginia), whatever region the rest runs in: the console's web ACL
 * (scope CLOUDFRONT) and its TLS certificate. The console stack in London reads both through CDK's
 * cross-region references. The certificate is validated by DNS: the operator publishes the CNAME record ACM
 * asks for (the stack waits until then), and ACM renews it for as long as the record stays.
 *
 * The web ACL has the API's common rules (AWS managed groups, a rate per IP). Not the API's per-token rules:
 * console requests carry a session cookie, never a bearer token, and R10's per-account limits are enforced by
 * the API each console page calls, with the user's own token. Its logs stay in us-east-1 (WAF logs a
 * CloudFront ACL only there), under a key of this stack, with the cookie and query string redacted.
 */
export class ConsoleEdgeStack extends Stack {
  readonly webAcl: CfnWebACL;
  readonly certificate: Certificate;

  constructor(scope: Construct, id: string, props: ConsoleEdgeStackProps) {
    super(scope, id, props);
    const { environment } = props;

    this.certificate = new Certificate(this, 'ConsoleCertificate', {
      domainName: consoleDomainOf(environment),
      validation: CertificateValidation.fromDns(),
    });

    this.webAcl = webAcl(this, 'ConsoleWebAcl', {
      name: `contactpoint-${environment.name}-console`,
      scope: 'CLOUDFRONT',
      rules: commonRules(environment.wafRateLimits.perIpPer5Minutes),
    });

    const logsKey = administeredKey(this, 'EdgeLogsKey', {
      description: 'ContactPoint console web ACL logs (us-east-1)',
      administratorRoleArn: environment.keyAdministratorRoleArn,
      statements: [logsEncryptOwnLogGroups(this)],
    });
    logWebAcl(this, this.webAcl, {
      logGroupName: `aws-waf-logs-contactpoint-${environment.name}-console`,
      key: logsKey,
      retention: props.logRetention,
    });
  }
}
