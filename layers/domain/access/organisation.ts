/** An organisation whose staff use ContactPoint. */
export interface Organisation {
  organisationId: string;
  name: string;
  kind: 'local-authority' | 'national-partner' | 'health' | 'education' | 'police' | 'voluntary';
  /** GSS code (e.g. E08000035) when the organisation is a local authority. */
  gssCode?: string | undefined;
  accredited: boolean;
}

/** A ContactPoint account, keyed by the identity provider's subject. */
export interface UserAccount {
  userId: string;
  email: string;
  organisationId: string;
  roles: import('./principal.ts').Role[];
  status: 'pending' | 'active' | 'suspended' | 'terminated';
}

export interface DirectoryRepository {
  getOrganisation(organisationId: string): Promise<Organisation | undefined>;
  putOrganisation(organisation: Organisation): Promise<void>;
  getUser(userId: string): Promise<UserAccount | undefined>;
  putUser(user: UserAccount): Promise<void>;
}
