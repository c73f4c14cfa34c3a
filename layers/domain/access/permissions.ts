import type { Principal, Role } from './principal.ts';

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
] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * Role × action. Deny by default: an action a role does not list is refused. Operators watch the
 * service and see no child data; auditors and user administrators work through their own routes.
 */
export const PERMISSIONS: Readonly<Record<Role, ReadonlySet<Action>>> = {
  practitioner: new Set(['search-children', 'view-child', 'register-involvement', 'update-involvement']),
  // The ContactPoint team does everything a practitioner does, and maintains the records.
  'data-manager': new Set(ACTIONS),
  'user-admin': new Set(),
  auditor: new Set(),
  operator: new Set(),
};

export function isPermitted(principal: Principal, action: Action): boolean {
  return principal.roles.some((role) => PERMISSIONS[role].has(action));
}
