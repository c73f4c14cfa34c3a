import { INVOLVEMENTS_WRITE_SCOPE } from './machine-client.ts';
import { holdsRight, type Principal, type Right, type Role } from './principal.ts';

/** Everything a signed-in user can ask ContactPoint to do. */
export const ACTIONS = [
  'search-children',
  'view-child',
  'create-child',
  'update-child',
  'register-involvement',
  'update-involvement',
  'shield-child',
  'unshield-child',
  'grant-account',
  'update-account',
  'list-accounts',
  'view-own-account',
  /** R4 two-person rule: a second user administrator approves or refuses a pending grant. */
  'approve-account-change',
  'refuse-account-change',
  'list-account-changes',
  'read-audit-trail',
  /** R10: an auditor reads their organisation's misuse alerts and records the outcome of each. */
  'list-misuse-alerts',
  'review-misuse-alert',
  'subject-access-report',
  /** R2/R3: ask for brokered contact; and, for the brokering team, read and close those requests. */
  'request-contact',
  'broker-contact',
  /** R3 break-glass: also needs the child-protection override right on the account. */
  'override-shield',
  /** R8: a ContactPoint team reviews feed rows the linker could not settle, and splits wrong merges off a child. */
  'list-reviews',
  'decide-review',
  'list-child-sources',
  'split-child-source',
  /** R7: the ContactPoint team records the young person's consent to stay until 25, its withdrawal, a death. */
  'record-retention-consent',
  'withdraw-retention-consent',
  'record-death-notice',
  /** R7: an auditor reads an archived record, for an investigation. */
  'read-archived-child',
  /** R9: anyone signed in reads their own inbox, marks an alert read and sets whether a daily digest is sent. */
  'list-own-alerts',
  'mark-alert-read',
  'view-alert-preferences',
  'update-alert-preferences',
  /** The involvements a user recorded themselves (their caseload): whoever may register involvements. */
  'list-own-involvements',
] as const;
export type Action = (typeof ACTIONS)[number];

/** What every signed-in user may do with their own account and inbox, whatever their role. */
const OWN_ACTIONS: readonly Action[] = [
  'view-own-account',
  'list-own-alerts',
  'mark-alert-read',
  'view-alert-preferences',
  'update-alert-preferences',
];

/**
 * Role × action. Deny by default: an action a role does not list is refused. Operators watch the
 * service and see no child data; auditors and user administrators work through their own routes.
 */
const CHILD_ACTIONS = ACTIONS.filter(
  (a) =>
    !a.endsWith('-account') &&
    !a.endsWith('-account-change') &&
    ![
      'list-accounts',
      'list-account-changes',
      'read-audit-trail',
      'list-misuse-alerts',
      'review-misuse-alert',
      'subject-access-report',
      'read-archived-child',
      ...OWN_ACTIONS,
    ].includes(a),
);

export const PERMISSIONS: Readonly<Record<Role, ReadonlySet<Action>>> = {
  practitioner: new Set([
    'search-children',
    'view-child',
    'register-involvement',
    'update-involvement',
    'list-own-involvements',
    'request-contact',
    'override-shield',
    ...OWN_ACTIONS,
  ]),
  // The ContactPoint team does everything a practitioner does, and maintains the records.
  'data-manager': new Set([...CHILD_ACTIONS, 'subject-access-report', ...OWN_ACTIONS]),
  // User administrators manage accounts (R4) and never see children.
  'user-admin': new Set([
    'grant-account',
    'update-account',
    'list-accounts',
    'approve-account-change',
    'refuse-account-change',
    'list-account-changes',
    ...OWN_ACTIONS,
  ]),
  // Auditors read access histories (R6) and misuse alerts (R10), never the records themselves.
  // R7: and, for an investigation, a record archived from their council's area.
  auditor: new Set([
    'read-audit-trail',
    'list-misuse-alerts',
    'review-misuse-alert',
    'read-archived-child',
    ...OWN_ACTIONS,
  ]),
  operator: new Set(OWN_ACTIONS),
};

/** Actions that need a right on the account beside a permitted role (deny by default, like the roles). */
export const RIGHT_REQUIRED: Readonly<Partial<Record<Action, Right>>> = {
  'override-shield': 'child-protection-override',
};

/** Machine clients hold scopes, not roles: this is all the involvements scope allows (R8). */
export const MACHINE_PERMISSIONS: Readonly<Record<string, ReadonlySet<Action>>> = {
  [INVOLVEMENTS_WRITE_SCOPE]: new Set(['register-involvement', 'update-involvement']),
};

/**
 * The scope every Cognito access token of a signed-in user carries (sign-in with SRP, and the browser
 * client's code flow, which allows it). A client-credentials client can never hold it: those clients may
 * hold only the resource server's own scopes.
 */
export const USER_ACCESS_SCOPE = 'aws.cognito.signin.user.admin';

/**
 * The OAuth scopes a route accepts, in an access token, when a machine scope allows its action: that
 * scope, and the users' own, so practitioners keep the route (with their access token). Every other
 * route has none and takes ID tokens, as API Gateway's Cognito authorizer does without scopes. What the
 * caller may then do is still decided by isPermitted, from the ContactPoint account or client (R4, R8).
 */
export function routeScopes(action: Action | null): readonly string[] {
  if (action === null) return [];
  const machine = Object.entries(MACHINE_PERMISSIONS)
    .filter(([, actions]) => actions.has(action))
    .map(([scope]) => scope);
  return machine.length > 0 ? [...machine, USER_ACCESS_SCOPE] : [];
}

export function isPermitted(principal: Principal, action: Action): boolean {
  if (principal.machineClientId !== undefined) {
    return (principal.scopes ?? []).some((scope) => MACHINE_PERMISSIONS[scope]?.has(action) ?? false);
  }
  const right = RIGHT_REQUIRED[action];
  if (right !== undefined && !holdsRight(principal, right)) return false;
  return principal.roles.some((role) => PERMISSIONS[role].has(action));
}
