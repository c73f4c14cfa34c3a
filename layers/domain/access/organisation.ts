import type { AuditEvent } from '../audit/event.ts';
import type { Account, AccountStatus } from './account.ts';
import type { MachineClient } from './machine-client.ts';

/** An organisation whose staff use ContactPoint. */
export interface Organisation {
  organisationId: string;
  name: string;
  kind: 'local-authority' | 'national-partner' | 'health' | 'education' | 'police' | 'voluntary';
  /** GSS code (e.g. E08000035) when the organisation is a local authority. */
  gssCode?: string | undefined;
  accredited: boolean;
  /**
   * The council or national partner whose user administrators grant this organisation's accounts
   * (a council for itself and the services in its area; a national partner for its own staff).
   */
  administeredBy: string;
}

export interface DirectoryRepository {
  getOrganisation(organisationId: string): Promise<Organisation | undefined>;
  putOrganisation(organisation: Organisation): Promise<void>;
  getAccount(userId: string): Promise<Account | undefined>;
  getMachineClient(clientId: string): Promise<MachineClient | undefined>;
  putMachineClient(client: MachineClient): Promise<void>;
  /** Accounts of one organisation, optionally of one status (an index query, never a scan). */
  listAccounts(organisationId: string, status?: AccountStatus): Promise<Account[]>;
  /** Active accounts whose DBS certificate was issued on or before `issuedOnOrBefore`. */
  listActiveWithDbsIssuedBy(issuedOnOrBefore: string): Promise<Account[]>;
  /** Creates an account that must not exist yet. */
  createAccount(account: Account, audit: AuditEvent): Promise<void>;
  /** Fails with PreconditionFailedError when the stored version is not `expectedVersion`. */
  replaceAccount(next: Account, expectedVersion: number, audit: AuditEvent): Promise<void>;
}
