import { type Account, accessRefusals } from '#domain/access/account.ts';
import { accountPrincipal, organisationFacts } from '#domain/access/account-principal.ts';
import type { MachineClient } from '#domain/access/machine-client.ts';
import type { Organisation } from '#domain/access/organisation.ts';
import type { Principal } from '#domain/access/principal.ts';
import { todayIso } from '#domain/dates.ts';
import { AccessRefusedError, UnauthenticatedError } from '#domain/errors.ts';
import type { DirectoryRepository } from '#domain/ports.ts';

/** Claims as API Gateway's Cognito authorizer passes them: every value a string. */
export type Claims = Record<string, string | undefined>;

/** The organisation a refusal is filed under when the registry knows no account and the token names none. */
export const UNKNOWN_ORGANISATION = 'unknown';

/** A tiny time-boxed cache: a suspension reaches every container within `seconds`. */
class ShortCache<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();

  constructor(
    private readonly seconds: number,
    private readonly now: () => number,
  ) {}

  async get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.until > this.now()) return hit.value;
    const value = await load();
    if (this.seconds > 0) this.entries.set(key, { value, until: this.now() + this.seconds * 1000 });
    return value;
  }
}

/**
 * R4 on every request: the caller must have a ContactPoint account that is active, in an accredited
 * organisation, with a DBS certificate under three years old, training, the agreement and MFA recorded.
 * The registry, not the token, is the authority — a token stays valid for minutes after a suspension,
 * the refusal does not wait for it. Lookups are cached for at most `cacheSeconds` (≤ 60).
 */
export class PrincipalResolver {
  private readonly accounts: ShortCache<Account | undefined>;
  private readonly organisations: ShortCache<Organisation | undefined>;
  private readonly machineClients: ShortCache<MachineClient | undefined>;

  constructor(
    private readonly directory: Pick<
      DirectoryRepository,
      'getOrganisation' | 'getAccount' | 'getMachineClient'
    >,
    cacheSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    if (cacheSeconds < 0 || cacheSeconds > 60)
      throw new RangeError('cacheSeconds must be 0–60 (R4: a suspension waits at most a minute)');
    this.accounts = new ShortCache(cacheSeconds, now);
    this.organisations = new ShortCache(cacheSeconds, now);
    this.machineClients = new ShortCache(cacheSeconds, now);
  }

  async resolve(claims: Claims | undefined): Promise<Principal> {
    const userId = claims?.sub;
    if (!userId) throw new UnauthenticatedError('No verified identity on the request');
    if (claims.token_use === 'access' && claims.client_id !== undefined && claims.client_id === userId) {
      return this.resolveMachine(claims.client_id, claims.scope);
    }
    const claimedOrganisation = claims['custom:organisationId'];
    const organisationOf = (id: string) =>
      this.organisations.get(id, () => this.directory.getOrganisation(id));
    // The token names the organisation, so both reads go out together; the registry still decides.
    const [account, claimed] = await Promise.all([
      this.accounts.get(userId, () => this.directory.getAccount(userId)),
      claimedOrganisation ? organisationOf(claimedOrganisation) : undefined,
    ]);
    if (!account) {
      throw new AccessRefusedError(
        'There is no ContactPoint account for this sign-in (R4)',
        {
          userId,
          organisationId: claimedOrganisation ?? UNKNOWN_ORGANISATION,
          roles: [],
        },
        ['no-account'],
      );
    }
    // Refusals are filed under the account's own organisation, whose auditors read its trail (R6).
    const refused = { userId, organisationId: account.organisationId, roles: account.roles };
    if (claimedOrganisation !== undefined && claimedOrganisation !== account.organisationId) {
      throw new AccessRefusedError(
        'The sign-in names a different organisation from the account (R4)',
        refused,
        ['organisation-mismatch'],
      );
    }
    const organisation = claimed ?? (await organisationOf(account.organisationId));
    const refusals = accessRefusals(account, organisation, todayIso(new Date(this.now())));
    if (refusals.length > 0 || !organisation)
      throw new AccessRefusedError(
        `Access refused: ${refusals.map((r) => r.message).join('; ')} (R4)`,
        refused,
        refusals.map((r) => r.reason),
      );
    return accountPrincipal(account, organisation);
  }

  /**
   * A case management system's client-credentials token: the client must be registered and active and
   * its organisation accredited; what it may do comes from its scopes alone (R8).
   */
  private async resolveMachine(clientId: string, scope: string | undefined): Promise<Principal> {
    const client = await this.machineClients.get(clientId, () => this.directory.getMachineClient(clientId));
    const refused = {
      userId: `client:${clientId}`,
      organisationId: client?.organisationId ?? UNKNOWN_ORGANISATION,
      roles: [],
    };
    if (client?.status !== 'active')
      throw new AccessRefusedError('The client is not registered or has been revoked (R4)', refused, [
        'client-revoked',
      ]);
    const organisation = await this.organisations.get(client.organisationId, () =>
      this.directory.getOrganisation(client.organisationId),
    );
    if (!organisation?.accredited)
      throw new AccessRefusedError('Access refused: the organisation is not accredited (R4)', refused, [
        'organisation-not-accredited',
      ]);
    return {
      userId: `client:${clientId}`,
      roles: [],
      machineClientId: clientId,
      scopes: (scope ?? '').split(/\s+/).filter(Boolean),
      ...organisationFacts(organisation),
    };
  }
}
