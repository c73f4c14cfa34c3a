import * as z from 'zod';

export const ROLES = ['practitioner', 'data-manager', 'user-admin', 'auditor', 'operator'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

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
}

export function hasRole(principal: Principal, role: Role): boolean {
  return principal.roles.includes(role);
}
