import { ROLES, type Role } from './principal.ts';

/**
 * R4 federation: how a council's sign-in becomes ContactPoint claims. Pure: the pre-token-generation
 * trigger supplies the user's attributes and the council's configuration.
 */
export interface FederationRule {
  /** Cognito provider name, as it appears in the user's `identities`. */
  name: string;
  organisationId: string;
  /** Council group → ContactPoint role. */
  roles: Record<string, Role>;
  /** Values of the MFA attribute that prove a second factor. */
  mfaEvidence: string[];
}

export interface TokenClaims {
  organisationId: string;
  roles: Role[];
}

export class SignInRefusedError extends Error {
  override readonly name = 'SignInRefusedError';
}

/** Attributes arrive as a JSON array, a comma- or space-separated list, or a single value. */
function valuesOf(raw: string | undefined): string[] {
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    if (Array.isArray(parsed)) return parsed.map(String);
  } catch {
    // not JSON: a plain list
  }
  return raw.split(/[\s,]+/).filter(Boolean);
}

/** The provider a federated user came through, from Cognito's `identities` attribute. */
export function federatedProviderOf(attributes: Record<string, string>): string | undefined {
  const identities = attributes.identities;
  if (!identities) return undefined;
  try {
    const parsed = JSON.parse(identities) as { providerName?: string }[];
    return parsed[0]?.providerName;
  } catch {
    throw new SignInRefusedError('The federated identity could not be read');
  }
}

/**
 * Claims for a sign-in. A federated sign-in must carry MFA evidence from the council (R4) and map to
 * at least one role; a pool user keeps the organisation and groups its administrators gave it (the
 * pool itself requires MFA).
 */
export function claimsForSignIn(
  attributes: Record<string, string>,
  groups: string[],
  rules: FederationRule[],
): TokenClaims {
  const provider = federatedProviderOf(attributes);
  if (provider === undefined) {
    const organisationId = attributes['custom:organisationId'];
    const roles = groups.filter((g): g is Role => (ROLES as readonly string[]).includes(g));
    if (!organisationId || roles.length === 0)
      throw new SignInRefusedError('The account has no organisation or role');
    return { organisationId, roles };
  }
  const rule = rules.find((r) => r.name === provider);
  if (!rule) throw new SignInRefusedError(`No ContactPoint configuration for identity provider ${provider}`);
  const evidence = valuesOf(attributes['custom:mfa']);
  if (!evidence.some((value) => rule.mfaEvidence.includes(value))) {
    throw new SignInRefusedError(
      'The council sign-in carries no evidence of multi-factor authentication (R4)',
    );
  }
  const roles = [
    ...new Set(valuesOf(attributes['custom:groups']).flatMap((g) => (rule.roles[g] ? [rule.roles[g]] : []))),
  ];
  if (roles.length === 0)
    throw new SignInRefusedError('None of the council groups maps to a ContactPoint role');
  return { organisationId: rule.organisationId, roles };
}
