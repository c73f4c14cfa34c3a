import type { DirectoryRepository, Organisation } from '#domain/access/organisation.ts';
import { type Principal, ROLES, type Role } from '#domain/access/principal.ts';
import { ForbiddenError, UnauthenticatedError } from '#domain/errors.ts';

/** Claims as API Gateway's Cognito authorizer passes them: every value a string. */
export type Claims = Record<string, string | undefined>;

/** `cognito:groups` arrives as `a,b`, `[a b]` or a JSON array depending on the path; accept each. */
export function rolesFromGroups(groups: string | undefined): Role[] {
  if (!groups) return [];
  let names: string[];
  try {
    const parsed: unknown = JSON.parse(groups);
    names = Array.isArray(parsed) ? parsed.map(String) : [String(parsed)];
  } catch {
    names = groups.replace(/^\[|\]$/g, '').split(/[\s,]+/);
  }
  return names.filter((n): n is Role => (ROLES as readonly string[]).includes(n));
}

const ORGANISATION_TTL_MS = 60_000;

/**
 * Builds the principal from verified claims and the organisation registry. Organisations are cached
 * for a minute per container: withdrawing accreditation takes effect within that minute.
 */
export class PrincipalResolver {
  private readonly cache = new Map<string, { organisation: Organisation | undefined; until: number }>();

  constructor(
    private readonly directory: Pick<DirectoryRepository, 'getOrganisation'>,
    private readonly now: () => number = Date.now,
  ) {}

  async resolve(claims: Claims | undefined): Promise<Principal> {
    const userId = claims?.sub;
    const organisationId = claims?.['custom:organisationId'];
    if (!userId) throw new UnauthenticatedError('No verified identity on the request');
    const roles = rolesFromGroups(claims?.['cognito:groups']);
    if (!organisationId || roles.length === 0) {
      throw new ForbiddenError('The account has no ContactPoint organisation or role');
    }
    const organisation = await this.organisation(organisationId);
    if (!organisation?.accredited)
      throw new ForbiddenError('The organisation is not accredited for ContactPoint');
    const isCouncil = organisation.kind === 'local-authority' && organisation.gssCode !== undefined;
    return {
      userId,
      roles,
      organisationId,
      organisationName: organisation.name,
      ...(isCouncil && { localAuthority: organisation.gssCode, localAuthorityName: organisation.name }),
    };
  }

  private async organisation(organisationId: string): Promise<Organisation | undefined> {
    const cached = this.cache.get(organisationId);
    if (cached && cached.until > this.now()) return cached.organisation;
    const organisation = await this.directory.getOrganisation(organisationId);
    this.cache.set(organisationId, { organisation, until: this.now() + ORGANISATION_TTL_MS });
    return organisation;
  }
}
