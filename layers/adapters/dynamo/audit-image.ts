import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { type AuditEvent, readAuditEvent } from '#domain/audit/event.ts';

/**
 * An audit item as DynamoDB holds it (a stream image or a raw Scan item) read as an audit event, or
 * undefined when it cannot be one: the sealer leaves such a poison event out, the verifier names it.
 */
export function auditEventFromImage(image: Record<string, AttributeValue>): AuditEvent | undefined {
  try {
    return readAuditEvent(unmarshall(image));
  } catch {
    return undefined;
  }
}
