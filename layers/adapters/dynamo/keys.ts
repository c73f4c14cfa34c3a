import type { TrailSubject } from '#domain/audit/trail.ts';
import { CHILD_RECORD_SK } from './tables.ts';

/** Every DynamoDB key ContactPoint writes is built here. */
export const keys = {
  childRecord: (childId: string) => ({ childId, sk: CHILD_RECORD_SK }),
  childBlockingKey: (childId: string, blockingKey: string) => ({ childId, sk: `KEY#${blockingKey}` }),
  /** An identifier's claim: one item per NHS number or UPN, naming the one record that holds it. */
  identifierClaim: (kind: 'nhsNumber' | 'upn', value: string) => ({
    childId: `CLAIM#${kind === 'nhsNumber' ? 'NHS' : 'UPN'}#${value}`,
    sk: 'CLAIM',
  }),
  involvement: (childId: string, involvementId: string) => ({ childId, involvementId }),
  contactRequest: (childId: string, requestId: string) => ({ childId, requestId }),
  /** Index attribute of a contact request: its team's queue, by status then newest first. */
  contactRequestQueue: (status: string, openedAt: string) => `${status}#${openedAt}`,
  auditEvent: (eventId: string) => ({ eventId }),
  organisation: (organisationId: string) => ({ pk: `ORG#${organisationId}`, sk: 'ORG' }),
  account: (userId: string) => ({ pk: `USER#${userId}`, sk: 'USER' }),
  /** A change awaiting a second administrator, filed under the organisation whose administrators decide it. */
  accountChange: (administeredBy: string, changeId: string) => ({
    pk: `ORG#${administeredBy}`,
    sk: `CHANGE#${changeId}`,
  }),
  accountChangePrefix: 'CHANGE#',
  machineClient: (clientId: string) => ({ pk: `CLIENT#${clientId}`, sk: 'CLIENT' }),
  /** R10: one account's count of one kind of request in one minute or UTC day. */
  usageCounter: (userId: string, kind: string, window: { length: string; start: string }) => ({
    counter: `USAGE#${userId}#${kind}#${window.length}#${window.start}`,
  }),
  /** The audit index partition of a child's or a user's history. */
  trailSubject: (subject: TrailSubject) =>
    'childId' in subject ? `CHILD#${subject.childId}` : `USER#${subject.userId}`,
  /** Index attributes of an account item: by organisation and status; and, while active, by DBS date. */
  accountIndexes: (account: { organisationId: string; status: string; userId: string }) => ({
    accountOrganisation: account.organisationId,
    accountStatusUser: `${account.status}#${account.userId}`,
    ...(account.status === 'active' && { activeAccount: 'ACTIVE' }),
  }),
} as const;
