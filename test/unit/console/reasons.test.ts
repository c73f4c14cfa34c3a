import { describe, expect, it } from 'vitest';
import { reasonCovering, reasonFor, reasonItems } from '#console/pages/reasons.ts';
import { REASON_COVERS } from '#console/session.ts';

describe('the reason a practitioner states (R5)', () => {
  it('covers the children its search found, and no other child', () => {
    const reason = reasonFor({ code: 'SAFEGUARDING' }, ['CPAAAAAAAAA', 'CPBBBBBBBBB']);
    expect(reasonCovering(reason, 'CPAAAAAAAAA')).toEqual(reason);
    expect(reasonCovering(reason, 'CPCCCCCCCCC')).toBeUndefined();
    expect(reasonCovering(undefined, 'CPAAAAAAAAA')).toBeUndefined();
  });

  it('keeps at most a bounded number of children, newest first', () => {
    const many = Array.from({ length: REASON_COVERS + 5 }, (_, i) => `CP${String(i).padStart(9, '0')}`);
    const reason = reasonFor({ code: 'ASSESSMENT' }, many);
    expect(reason.childIds).toHaveLength(REASON_COVERS);
    expect(reason.childIds[0]).toBe(many[0]);
  });

  it('offers checking or correcting the record only to data managers', () => {
    const codes = (roles: string[]) => reasonItems(undefined, roles).map((r) => r.value);
    expect(codes(['practitioner'])).not.toContain('DATA_QUALITY');
    expect(codes(['data-manager'])).toContain('DATA_QUALITY');
  });
});
