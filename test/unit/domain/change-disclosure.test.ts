import { describe, expect, it } from 'vitest';
import type { Principal } from '#domain/access/principal.ts';
import { shieldChild, unshieldChild, updateChild } from '#domain/use-cases/change-child.ts';
import { aChild, anInvolvement, bradfordDataManager, leedsDataManager } from '../../support/builders.ts';
import {
  fixedEnvironment,
  MemoryAudit,
  MemoryChildren,
  MemoryInvolvements,
} from '../../support/memory-children.ts';

const facts = { requestId: 'req', sourceIp: '192.0.2.1' };

function world() {
  const child = aChild();
  const audit = new MemoryAudit();
  const deps = {
    children: new MemoryChildren([child], audit),
    involvements: new MemoryInvolvements([anInvolvement({ serviceType: 'sexual-health' })]),
    audit,
    env: fixedEnvironment(),
  };
  return { deps, child };
}

/** R6/R10: a change that answers with the record is a read too, and the trail says what was shown. */
describe('a change that returns the record records what the caller was shown', () => {
  it('puts the disclosure level of the returned view on the correction’s audit event', async () => {
    const { deps, child } = world();
    const changed = await updateChild(
      deps,
      leedsDataManager,
      child.childId,
      { familyName: 'Khan' },
      1,
      facts,
    );
    expect(changed.record.familyName).toBe('Khan');
    expect(deps.audit.events.at(-1)).toMatchObject({
      action: 'update-child',
      outcome: 'success',
      disclosure: { [child.childId]: changed.view.disclosure },
    });
  });

  it('puts it on shielding and on each step of lifting a shield, matching the view returned', async () => {
    const { deps, child } = world();
    const bradfordTeam: Principal = bradfordDataManager;
    const shielded = await shieldChild(
      deps,
      bradfordTeam,
      child.childId,
      { reason: 'adult-at-risk', reviewDate: '2099-01-01' },
      facts,
    );
    expect(deps.audit.events.at(-1)).toMatchObject({
      action: 'shield-child',
      disclosure: { [child.childId]: shielded.view.disclosure },
    });
    const firstStep = await unshieldChild(
      deps,
      bradfordTeam,
      child.childId,
      { reasonText: 'Risk reviewed' },
      facts,
    );
    expect(firstStep.record.shield).toBeDefined();
    expect(deps.audit.events.at(-1)).toMatchObject({
      action: 'unshield-child',
      outcome: 'awaiting-agreement',
      disclosure: { [child.childId]: firstStep.view.disclosure },
    });
    const lifted = await unshieldChild(
      deps,
      leedsDataManager,
      child.childId,
      { reasonText: 'Risk reviewed' },
      facts,
    );
    // Lifted: Leeds now sees more than the shielded view (another organisation's sexual health service still collapsed).
    expect(lifted.view.disclosure).toBe('sensitive-redacted');
    expect(deps.audit.events.at(-1)).toMatchObject({
      action: 'unshield-child',
      outcome: 'success',
      disclosure: { [child.childId]: 'sensitive-redacted' },
    });
  });
});
