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
