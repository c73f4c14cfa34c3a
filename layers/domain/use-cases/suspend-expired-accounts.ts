import { DBS_VALID_YEARS } from '../access/account.ts';
import type { Alert } from '../alerts/alert.ts';
import { alertIdAt } from '../alerts/child-alert.ts';
import { auditEventFor } from '../audit/event.ts';
import { todayIso } from '../dates.ts';
import type { AlertRepository, DirectoryRepository, Environment, IdentityAdmin } from '../ports.ts';
import { followInIdentityProvider } from './accounts.ts';

export interface ExpiryDeps {
  directory: DirectoryRepository;
  identity: IdentityAdmin;
  alerts: AlertRepository;
  env: Environment;
  onIdentitySyncFailure?: (step: string, error: unknown) => void;
}

const SYSTEM = { userId: 'system:dbs-expiry', organisationId: 'contactpoint', roles: [] };
const NOTICE_DAYS = 90;

/**
 * R4, every day: an active account whose enhanced DBS certificate has reached three years is suspended
 * (audited, and the sign-in disabled), and the user administrators of the organisation that administers
 * it are told. Requests were already refused from the expiry date on; this makes it visible and final.
 */
export async function suspendExpiredAccounts(
  deps: ExpiryDeps,
): Promise<{ suspended: number; notices: number }> {
  const now = deps.env.now();
  const today = todayIso(now);
  const [y, m, d] = today.split('-') as [string, string, string];
  const issuedOnOrBefore = `${Number(y) - DBS_VALID_YEARS}-${m}-${d}`;
  const expired = await deps.directory.listActiveWithDbsIssuedBy(issuedOnOrBefore);
  let notices = 0;
  for (const account of expired) {
    const next = {
      ...account,
      status: 'suspended' as const,
      version: account.version + 1,
      updatedAt: now.toISOString(),
    };
    await deps.directory.replaceAccount(
      next,
      account.version,
      auditEventFor(
        deps.env,
        SYSTEM,
        { requestId: 'scheduled', sourceIp: 'internal' },
        {
          action: 'suspend-expired-account',
          outcome: 'success',
          subjectUserId: account.userId,
          note: `DBS certificate of ${account.dbsCertificateDate} reached ${DBS_VALID_YEARS} years`,
        },
      ),
    );
    await followInIdentityProvider(deps, 'active', 'suspended', account.userId);
    const organisation = await deps.directory.getOrganisation(account.organisationId);
    const administrators = organisation
      ? (await deps.directory.listAccounts(organisation.administeredBy, 'active')).filter((a) =>
          a.roles.includes('user-admin'),
        )
      : [];
    const alerts: Alert[] = administrators.map((admin) => ({
      recipientId: admin.userId,
      alertId: alertIdAt(now.toISOString(), deps.env.newId('ALERT')),
      kind: 'account-suspended-dbs-expired',
      subjectUserId: account.userId,
      subjectEmail: account.email,
      organisationId: account.organisationId,
      message: `${account.email} was suspended: their enhanced DBS certificate (${account.dbsCertificateDate}) is ${DBS_VALID_YEARS} years old. Record a new certificate date to reinstate them.`,
      createdAt: now.toISOString(),
      expiresAt: Math.floor(now.getTime() / 1000) + NOTICE_DAYS * 86_400,
    }));
    await deps.alerts.put(alerts);
    notices += alerts.length;
  }
  return { suspended: expired.length, notices };
}
