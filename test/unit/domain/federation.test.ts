import { describe, expect, it } from 'vitest';
import { claimsForSignIn, type FederationRule, SignInRefusedError } from '#domain/access/federation.ts';
import { IdentityProvidersSchema, loadIdentityProviders } from '#infra/config/identity-providers.ts';

const rules: FederationRule[] = loadIdentityProviders();
const leeds = (extra: Record<string, string>) => ({
  identities: JSON.stringify([{ providerName: 'LeedsCC', providerType: 'SAML', userId: 'a.user' }]),
  email: 'a.user@leeds.example.gov.uk',
  ...extra,
});

describe('R4 federated sign-in', () => {
  it('maps a Leeds SAML assertion with MFA evidence to the council’s organisation and roles', () => {
    const claims = claimsForSignIn(
      leeds({
        'custom:groups': '["CP-Practitioners","Finance"]',
        'custom:mfa': 'http://schemas.microsoft.com/claims/multipleauthn',
      }),
      [],
      rules,
    );
    expect(claims).toEqual({ organisationId: 'ORG-LEEDS-CC', roles: ['practitioner'] });
  });

  it('maps an OIDC sign-in whose amr lists mfa', () => {
    const attributes = {
      identities: JSON.stringify([{ providerName: 'BradfordMDC', providerType: 'OIDC' }]),
      'custom:groups': 'contactpoint-data-manager',
      'custom:mfa': '["pwd","mfa"]',
    };
    expect(claimsForSignIn(attributes, [], rules)).toEqual({
      organisationId: 'ORG-BRADFORD-MDC',
      roles: ['data-manager'],
    });
  });

  it('refuses a federated sign-in that carries no MFA evidence', () => {
    expect(() =>
      claimsForSignIn(leeds({ 'custom:groups': 'CP-Practitioners', 'custom:mfa': 'pwd' }), [], rules),
    ).toThrow(SignInRefusedError);
    expect(() => claimsForSignIn(leeds({ 'custom:groups': 'CP-Practitioners' }), [], rules)).toThrow(
      /multi-factor/,
    );
  });

  it('refuses a federated sign-in whose groups map to no ContactPoint role', () => {
    expect(() =>
      claimsForSignIn(leeds({ 'custom:groups': 'Finance', 'custom:mfa': 'mfa' }), [], rules),
    ).toThrow(/role/);
  });

  it('refuses an identity provider that is not configured', () => {
    const attributes = { identities: JSON.stringify([{ providerName: 'Elsewhere' }]), 'custom:mfa': 'mfa' };
    expect(() => claimsForSignIn(attributes, [], rules)).toThrow(/Elsewhere/);
  });

  it('keeps a pool user’s organisation and role groups, and refuses one without them', () => {
    expect(
      claimsForSignIn({ 'custom:organisationId': 'ORG-LEEDS-CH' }, ['practitioner', 'other'], rules),
    ).toEqual({
      organisationId: 'ORG-LEEDS-CH',
      roles: ['practitioner'],
    });
    expect(() => claimsForSignIn({}, ['practitioner'], rules)).toThrow(SignInRefusedError);
  });

  it('refuses an identity-provider file with a secret in it or a role that does not exist', () => {
    const provider = rules[1] as unknown as Record<string, unknown>;
    expect(
      IdentityProvidersSchema.safeParse({ providers: [{ ...provider, clientSecret: 'hunter2' }] }).success,
    ).toBe(false);
    expect(
      IdentityProvidersSchema.safeParse({ providers: [{ ...provider, roles: { x: 'superuser' } }] }).success,
    ).toBe(false);
  });
});
