import { describe, expect, it } from 'vitest';
import { auditEventFor } from '#domain/audit/event.ts';

const env = { now: () => new Date('2026-12-06T10:00:00.000Z'), newId: (prefix: string) => `${prefix}-1` };
const actor = { userId: 'user-dm', organisationId: 'ORG-LEEDS-CC', roles: ['data-manager' as const] };
const facts = { requestId: 'req-1', sourceIp: '127.0.0.1' };

describe('audit events as written (R6)', () => {
  it('never carries an empty disclosure map, which a stream cannot carry back to the sealer', () => {
    const event = auditEventFor(env, actor, facts, {
      action: 'list-reviews',
      outcome: 'no-match',
      childIds: [],
      disclosure: {},
    });
    expect(event).not.toHaveProperty('disclosure');
  });

  it('keeps a disclosure map that names children', () => {
    const event = auditEventFor(env, actor, facts, {
      action: 'list-reviews',
      outcome: 'success',
      childIds: ['CP1'],
      disclosure: { CP1: 'full' },
    });
    expect(event.disclosure).toEqual({ CP1: 'full' });
  });
});
