import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { RoleSchema } from '#domain/access/principal.ts';

/**
 * Council identity providers (R4 federation). Each maps the council's attributes to e-mail, groups
 * and MFA evidence, and the council's groups to ContactPoint roles. No secrets: an OIDC client secret
 * is named in Secrets Manager, never written here.
 */
const common = {
  name: z.string().regex(/^[A-Za-z0-9]{1,32}$/, 'letters and digits, as Cognito provider names allow'),
  organisationId: z.string().min(1),
  attributes: z
    .object({ email: z.string().min(1), groups: z.string().min(1), mfa: z.string().min(1) })
    .strict(),
  roles: z.record(z.string(), RoleSchema),
  /** Values of the MFA attribute that prove a second factor (e.g. `mfa`, `otp`, `hwk` per RFC 8176). */
  mfaEvidence: z.array(z.string().min(1)).min(1),
};

export const IdentityProviderSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('SAML'), metadataUrl: z.url(), ...common }).strict(),
  z
    .object({
      type: z.literal('OIDC'),
      issuerUrl: z.url(),
      clientId: z.string().min(1),
      clientSecretName: z.string().min(1),
      ...common,
    })
    .strict(),
]);
export type IdentityProvider = z.infer<typeof IdentityProviderSchema>;

export const IdentityProvidersSchema = z.object({ providers: z.array(IdentityProviderSchema) }).strict();

export function loadIdentityProviders(
  path = join(import.meta.dirname, 'identity-providers.json'),
): IdentityProvider[] {
  return IdentityProvidersSchema.parse(JSON.parse(readFileSync(path, 'utf8'))).providers;
}
