import { SeparationOfDutiesError } from '../errors.ts';
import type { Right, Role } from './principal.ts';

/**
 * R4 separation of duties: whoever reads the access trail (R6) must not also be someone whose access it
 * records. These pairs may never be held by one account, whoever grants them and in whatever order.
 */
export const INCOMPATIBLE_ROLES: readonly (readonly [Role, Role])[] = [
  ['auditor', 'practitioner'],
  ['auditor', 'data-manager'],
];

/** The incompatible pairs a set of roles holds; empty when the roles may be held together. */
export function separationConflicts(roles: readonly Role[]): (readonly [Role, Role])[] {
  return INCOMPATIBLE_ROLES.filter(([a, b]) => roles.includes(a) && roles.includes(b));
}

/** Refuses roles that break separation of duties, naming the rule and the pair. */
export function assertSeparationOfDuties(roles: readonly Role[]): void {
  const [conflict] = separationConflicts(roles);
  if (conflict) {
    throw new SeparationOfDutiesError(
      `Separation of duties (R4): one account may not hold both the ${conflict[0]} and the ${conflict[1]} role`,
    );
  }
}

/**
 * Two-person rule: these widen what an account can see or judge so much that one administrator alone
 * may only ask for them; a second administrator of the same organisation approves. `user-admin` is
 * among them because an administrator who could create another administrator alone could then approve
 * their own requests through that second account: every new administrator is itself two-person.
 */
export const ROLES_NEEDING_APPROVAL: ReadonlySet<Role> = new Set<Role>([
  'data-manager',
  'auditor',
  'user-admin',
]);
export const RIGHTS_NEEDING_APPROVAL: ReadonlySet<Right> = new Set<Right>(['child-protection-override']);

export interface Holdings {
  roles: readonly Role[];
  rights: readonly Right[];
}

/**
 * Splits a requested change of what an account holds into what takes effect at once (every removal,
 * and additions one administrator may make) and the additions that wait for a second administrator.
 */
export function splitByApproval(
  current: Holdings,
  requested: Holdings,
): { now: { roles: Role[]; rights: Right[] }; awaiting: { roles: Role[]; rights: Right[] } } {
  const addedRoles = requested.roles.filter((r) => !current.roles.includes(r));
  const addedRights = requested.rights.filter((r) => !current.rights.includes(r));
  const awaitingRoles = addedRoles.filter((r) => ROLES_NEEDING_APPROVAL.has(r));
  const awaitingRights = addedRights.filter((r) => RIGHTS_NEEDING_APPROVAL.has(r));
  return {
    now: {
      roles: requested.roles.filter((r) => !awaitingRoles.includes(r)),
      rights: requested.rights.filter((r) => !awaitingRights.includes(r)),
    },
    awaiting: { roles: awaitingRoles, rights: awaitingRights },
  };
}

/** What an account holds once an approved change is added to it. */
export function withApproved(current: Holdings, added: Holdings): { roles: Role[]; rights: Right[] } {
  return {
    roles: [...current.roles, ...added.roles.filter((r) => !current.roles.includes(r))],
    rights: [...current.rights, ...added.rights.filter((r) => !current.rights.includes(r))],
  };
}
