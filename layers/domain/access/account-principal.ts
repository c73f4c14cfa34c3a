import type { Account } from './account.ts';
import type { Organisation } from './organisation.ts';
import type { Principal } from './principal.ts';

/** What a principal knows of its organisation: a council's GSS code and name stand for its area. */
export function organisationFacts(
  organisation: Organisation,
): Pick<Principal, 'organisationId' | 'organisationName' | 'localAuthority' | 'localAuthorityName'> {
  const isCouncil = organisation.kind === 'local-authority' && organisation.gssCode !== undefined;
  return {
    organisationId: organisation.organisationId,
    organisationName: organisation.name,
    ...(isCouncil && { localAuthority: organisation.gssCode, localAuthorityName: organisation.name }),
  };
}

/**
 * The principal a registered account acts as, from the registry alone: what a signed-in user is given, and
 * whom an alert is written for (R9 alerts show exactly what the recipient's own view would).
 */
export function accountPrincipal(account: Account, organisation: Organisation): Principal {
  return {
    userId: account.userId,
    roles: account.roles,
    ...(account.rights?.length && { rights: account.rights }),
    ...organisationFacts(organisation),
  };
}
