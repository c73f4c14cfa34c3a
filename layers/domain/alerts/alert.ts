/**
 * A notice about an account for its administrators (R4: a suspension for an expired DBS certificate).
 * Never carries a child's details; it sits in the recipient's inbox beside their child alerts (R9).
 */
export interface Alert {
  recipientId: string;
  alertId: string;
  kind: 'account-suspended-dbs-expired';
  /** The account the notice is about (a practitioner, never a child). */
  subjectUserId: string;
  subjectEmail: string;
  organisationId: string;
  message: string;
  createdAt: string;
  /** Epoch seconds after which the notice is deleted (TTL). */
  expiresAt: number;
}
