import * as z from 'zod';

export const ROLES = ['practitioner', 'data-manager', 'user-admin', 'auditor', 'operator'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/**
 * Rights an account may hold beside its roles, granted by a user administrator like a role. R3: the
 * child-protection override lets its holder break a shield for one view, audited and alerted.
 */
export const RIGHTS = ['child-protection-override'] as const;
export const RightSchema = z.enum(RIGHTS);
export type Right = z.infer<typeof RightSchema>;

/** Who is calling, as established by the identity provider and checked by the HTTP layer. */
export interface Principal {
  userId: string;
  roles: Role[];
  organisationId: string;
  organisationName: string;
  /** GSS code of the caller's local authority (councils) — national partners have none. */
  localAuthority?: string | undefined;
  localAuthorityName?: string | undefined;
  /** Set when the caller is a case management system signing in with client credentials (no roles). */
  machineClientId?: string | undefined;
  /** OAuth scopes of a machine client's token. */
  scopes?: string[] | undefined;
  /** Rights the account holds beside its roles (from the registry, never the token). */
  rights?: Right[] | undefined;
}

export function holdsRight(principal: Principal, right: Right): boolean {
  return principal.rights?.includes(right) ?? false;
}

export function hasRole(principal: Principal, role: Role): boolean {
  return principal.roles.includes(role);
}
