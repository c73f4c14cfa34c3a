import { CHILD_RECORD_SK } from './tables.ts';

/** Every DynamoDB key ContactPoint writes is built here. */
export const keys = {
  childRecord: (childId: string) => ({ childId, sk: CHILD_RECORD_SK }),
  childBlockingKey: (childId: string, blockingKey: string) => ({ childId, sk: `KEY#${blockingKey}` }),
  involvement: (childId: string, involvementId: string) => ({ childId, involvementId }),
  auditEvent: (eventId: string) => ({ eventId }),
  organisation: (organisationId: string) => ({ pk: `ORG#${organisationId}`, sk: 'ORG' }),
  user: (userId: string) => ({ pk: `USER#${userId}`, sk: 'USER' }),
} as const;
