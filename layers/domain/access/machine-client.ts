/**
 * A case management system (R8) that pushes involvement changes for one organisation, signing in with
 * OAuth client credentials. Registered here so that revoking it bites at once, like a user suspension.
 */
export interface MachineClient {
  clientId: string;
  name: string;
  organisationId: string;
  status: 'active' | 'revoked';
}

/** The one scope a machine client may hold, and all it allows. */
export const INVOLVEMENTS_WRITE_SCOPE = 'contactpoint/involvements.write';
