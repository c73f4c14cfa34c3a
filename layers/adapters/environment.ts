import { randomBytes, randomUUID } from 'node:crypto';
import { contactPointIdFrom } from '#domain/identifiers/contactpoint-id.ts';
import type { Environment } from '#domain/ports.ts';

/** The real clock and random identifiers. Event IDs start with the time so they sort by it. */
export const systemEnvironment: Environment = {
  now: () => new Date(),
  newChildId: () => contactPointIdFrom(randomBytes(8)),
  newId: (prefix) => `${prefix}-${Date.now().toString(36)}-${randomUUID()}`,
};
