import { describe, expect, it } from 'vitest';
import { assertPlausibleBirthDate } from '#domain/child/validate.ts';
import { ConflictError, ValidationError } from '#domain/errors.ts';
import { recordRetentionConsent } from '#domain/use-cases/retention.ts';
import { aChild, leedsDataManager } from '../../support/builders.ts';
import { fixedEnvironment, MemoryAudit, MemoryChildren } from '../../support/memory-children.ts';

const facts = { requestId: 'req-unit', sourceIp: '127.0.0.1' };
/** 23:30 UTC on 14 June 2030 is 00:30 on 15 June in London (British Summer Time). */
const BST_EVENING = '2030-06-14T23:30:00.000Z';

describe('R7 days are UK calendar days, not UTC ones', () => {
  it('refuses consent at 23:30 UTC in summer on the eve (UTC) of the 18th birthday: in London it is the day itself', async () => {
    const audit = new MemoryAudit();
    const child = aChild({ dateOfBirth: '2012-06-15' });
    const deps = { children: new MemoryChildren([child], audit), audit, env: fixedEnvironment(BST_EVENING) };
    // In London the record has reached its leaving day: it is being archived, and is not brought back (409).
    await expect(
      recordRetentionConsent(deps, leedsDataManager, child.childId, { givenOn: '2030-06-15' }, facts),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('refuses a date of birth 25 years ago in London at 23:30 UTC in summer, though UTC is still the day before', () => {
    // The 25th birthday is 15 June 2030 (the oldest a record may live, R7); in London that day has begun.
    expect(() => assertPlausibleBirthDate('2005-06-15', new Date(BST_EVENING))).toThrow(ValidationError);
    expect(() => assertPlausibleBirthDate('2005-06-16', new Date(BST_EVENING))).not.toThrow();
    // A date of birth of "today" in London is not in the future, though it is tomorrow in UTC.
    expect(() => assertPlausibleBirthDate('2030-06-15', new Date(BST_EVENING))).not.toThrow();
  });
});
