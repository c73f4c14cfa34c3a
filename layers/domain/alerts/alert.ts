/** A notice for one person (R9 alerts, R4 account notices). Never carries a child's details. */
export interface Alert {
  recipientId: string;
  alertId: string;
  kind: 'account-suspended-dbs-expired' | 'misuse';
  /** For a misuse alert, the rule that fired (R10). */
  rule?: string | undefined;
  /** The account the notice is about (a practitioner, never a child). */
  subjectUserId: string;
  subjectEmail: string;
  organisationId: string;
  message: string;
  createdAt: string;
  /** Epoch seconds after which the notice is deleted (TTL). */
  expiresAt: number;
}
