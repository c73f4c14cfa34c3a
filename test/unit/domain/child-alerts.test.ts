import { describe, expect, it } from 'vitest';
import type { Principal } from '#domain/access/principal.ts';
import {
  type AlertContext,
  involvementChangeAlerts,
  recordChangeAlerts,
} from '#domain/alerts/raise-child-alerts.ts';
import type { ChildRecord } from '#domain/child/record.ts';
import type { Involvement } from '#domain/involvement/schema.ts';
import {
  aChild,
  anInvolvement,
  leedsDataManager,
  otherPractitioner,
  practitioner,
  shieldBy,
} from '../../support/builders.ts';

const TODAY = '2026-12-06';
const nurseInvolvement = anInvolvement();
const doctorInvolvement = anInvolvement({
  involvementId: 'INV-2',
  practitionerName: 'Dr Tom Okafor',
  role: 'Paediatrician',
  serviceType: 'paediatrics',
  contact: { phone: '0113 496 0444', email: 'tom.okafor@example.nhs.uk' },
  organisationId: otherPractitioner.organisationId,
  organisationName: otherPractitioner.organisationName,
  recordedBy: otherPractitioner.userId,
});
const camhsWorker: Principal = {
  userId: 'user-camhs',
  roles: ['practitioner'],
  organisationId: 'ORG-CAMHS',
  organisationName: 'Leeds CAMHS',
};
const camhsInvolvement = anInvolvement({
  involvementId: 'INV-3',
  serviceType: 'camhs',
  practitionerName: 'Leah Brennan',
  role: 'CAMHS practitioner',
  contact: { phone: '0113 496 0999' },
  organisationId: camhsWorker.organisationId,
  organisationName: camhsWorker.organisationName,
  recordedBy: camhsWorker.userId,
  consent: { givenBy: 'young-person', recordedOn: '2026-11-01' },
  // Recorded before the others: each test says when it starts later.
  createdAt: '2026-01-04T00:00:00.000Z',
});
const later = (i: Involvement): Involvement => ({ ...i, createdAt: '2026-02-01T00:00:00.000Z' });

function context(record: ChildRecord, involvements: Involvement[]): AlertContext {
  const recipients = new Map(
    [practitioner, otherPractitioner, camhsWorker, leedsDataManager].map((p) => [p.userId, p] as const),
  );
  return { record, involvements, recipients, today: TODAY };
}

const to = (alerts: { recipientId: string }[], who: Principal) =>
  alerts.filter((a) => a.recipientId === who.userId);

describe('R9 alerts from involvement changes', () => {
  it('tells each of two practitioners about the other, with contact details, when the second registers', () => {
    const alerts = involvementChangeAlerts(
      undefined,
      doctorInvolvement,
      context(aChild(), [nurseInvolvement, doctorInvolvement]),
    );
    expect(to(alerts, practitioner)).toEqual([
      expect.objectContaining({
        kind: 'not-alone',
        childId: 'CP7M3K9P2XN',
        childName: 'Amelia Walker',
        colleague: expect.objectContaining({
          practitionerName: 'Dr Tom Okafor',
          contact: { phone: '0113 496 0444', email: 'tom.okafor@example.nhs.uk' },
        }),
      }),
    ]);
    expect(to(alerts, otherPractitioner)).toEqual([
      expect.objectContaining({
        kind: 'not-alone',
        colleague: expect.objectContaining({
          practitionerName: 'Priya Shah',
          contact: { phone: '0113 496 0303' },
        }),
      }),
    ]);
  });

  it('tells a practitioner who registers alone nothing', () => {
    expect(
      involvementChangeAlerts(undefined, nurseInvolvement, context(aChild(), [nurseInvolvement])),
    ).toEqual([]);
  });

  it('brokers "not alone" through a contact request when the record is shielded, naming nobody', () => {
    const shielded = aChild({ shield: shieldBy('E08000035') });
    const alerts = involvementChangeAlerts(
      undefined,
      doctorInvolvement,
      context(shielded, [nurseInvolvement, doctorInvolvement]),
    );
    expect(alerts).toHaveLength(2);
    for (const alert of alerts) {
      expect(alert).toMatchObject({ kind: 'not-alone', brokered: 'shielded' });
      expect(alert.colleague).toBeUndefined();
      expect(JSON.stringify(alert)).not.toMatch(/Okafor|Priya|0113|Harehills|Leeds/);
    }
  });

  it('does not tell practitioners outside the recording organisation that a sensitive service has started (R2)', () => {
    const camhs = later(camhsInvolvement);
    const alerts = involvementChangeAlerts(undefined, camhs, context(aChild(), [nurseInvolvement, camhs]));
    expect(to(alerts, practitioner)).toEqual([]);
    // The CAMHS worker sees the nurse's open involvement in their own view, so is told of it.
    expect(to(alerts, camhsWorker)).toEqual([
      expect.objectContaining({
        kind: 'not-alone',
        colleague: expect.objectContaining({ practitionerName: 'Priya Shah' }),
      }),
    ]);
  });

  it('tells a newcomer only the specialist-services sentence about a sensitive colleague elsewhere (R2)', () => {
    const alerts = involvementChangeAlerts(
      undefined,
      doctorInvolvement,
      context(aChild(), [camhsInvolvement, doctorInvolvement]),
    );
    expect(to(alerts, otherPractitioner)).toEqual([
      expect.objectContaining({ kind: 'not-alone', brokered: 'specialist-services' }),
    ]);
    expect(JSON.stringify(to(alerts, otherPractitioner))).not.toMatch(/Brennan|CAMHS|camhs|0999/);
    expect(to(alerts, camhsWorker)).toEqual([
      expect.objectContaining({ colleague: expect.objectContaining({ practitionerName: 'Dr Tom Okafor' }) }),
    ]);
  });

  it('does not announce a sensitive service elsewhere even on a shielded record, where the alert would date it (R2, R3)', () => {
    const shielded = aChild({ shield: shieldBy('E08000035') });
    const camhs = later(camhsInvolvement);
    const alerts = involvementChangeAlerts(undefined, camhs, context(shielded, [nurseInvolvement, camhs]));
    expect(to(alerts, practitioner)).toEqual([]);
  });

  it('tells each practitioner of the other once when both registrations are handled together', () => {
    const ctx = context(aChild(), [nurseInvolvement, doctorInvolvement]);
    const alerts = [
      ...involvementChangeAlerts(undefined, nurseInvolvement, ctx),
      ...involvementChangeAlerts(undefined, doctorInvolvement, ctx),
    ];
    expect(to(alerts, practitioner)).toHaveLength(1);
    expect(to(alerts, otherPractitioner)).toHaveLength(1);
  });

  it('tells the other practitioners when one ends their involvement, and the one who ended it nothing', () => {
    const ended = { ...doctorInvolvement, endDate: TODAY, version: 2 };
    const alerts = involvementChangeAlerts(
      doctorInvolvement,
      ended,
      context(aChild(), [nurseInvolvement, ended]),
    );
    expect(alerts).toEqual([
      expect.objectContaining({
        recipientId: practitioner.userId,
        kind: 'involvement-ended',
        colleague: expect.objectContaining({ practitionerName: 'Dr Tom Okafor', endDate: TODAY }),
      }),
    ]);
  });

  it('tells the practitioners of a child when a case management system pushes an involvement, and no account for the system', () => {
    const pushed = { ...doctorInvolvement, recordedBy: 'client:leeds-cms' };
    const alerts = involvementChangeAlerts(undefined, pushed, context(aChild(), [nurseInvolvement, pushed]));
    expect(alerts.map((a) => a.recipientId)).toEqual([practitioner.userId]);
  });

  it('says nothing when only the lead-professional flag changes', () => {
    const next = { ...doctorInvolvement, leadProfessional: true, version: 2 };
    expect(
      involvementChangeAlerts(doctorInvolvement, next, context(aChild(), [nurseInvolvement, next])),
    ).toEqual([]);
  });
});

describe('R9 alerts from record changes', () => {
  const involvements = [nurseInvolvement, doctorInvolvement];

  it('tells the practitioners that the address changed, never what it changed to', () => {
    const before = aChild();
    const after = aChild({
      address: { line1: '2 Roundhay Road', town: 'Leeds', postcode: 'LS7 1AB' },
      version: 2,
    });
    const alerts = recordChangeAlerts(before, after, context(after, involvements));
    expect(alerts.map((a) => a.recipientId).sort()).toEqual(
      [otherPractitioner.userId, practitioner.userId].sort(),
    );
    for (const alert of alerts) {
      expect(alert).toMatchObject({ kind: 'record-changed', changes: ['address'] });
      expect(JSON.stringify(alert)).not.toMatch(/Roundhay|LS7|Harehills|LS8/);
    }
  });

  it('tells the practitioners only that the record is shielded, even when its address changed with it', () => {
    const before = aChild();
    const after = aChild({
      shield: shieldBy('E08000035'),
      address: { line1: '9 Safe Street', town: 'Wakefield', postcode: 'WF1 1AA' },
      version: 2,
    });
    const alerts = recordChangeAlerts(before, after, context(after, involvements));
    expect(alerts).toHaveLength(2);
    for (const alert of alerts) {
      expect(alert).toMatchObject({ kind: 'record-shielded', brokered: 'shielded' });
      expect(alert.changes).toBeUndefined();
      expect(JSON.stringify(alert)).not.toMatch(/Safe Street|Wakefield|WF1|Leeds City Council/);
    }
  });

  it('tells practitioners nothing of later changes to a record that is shielded to them', () => {
    const before = aChild({ shield: shieldBy('E08000035') });
    const after = {
      ...before,
      gpPractice: { practiceName: 'Chapel Allerton Surgery', contact: { phone: '0113 496 0555' } },
      version: 2,
    };
    expect(recordChangeAlerts(before, after, context(after, involvements))).toEqual([]);
  });

  it('weighs a change against the record as it stands now: shielded since, it says nothing of the old change', () => {
    const before = aChild();
    const after = aChild({
      address: { line1: '2 Roundhay Road', town: 'Leeds', postcode: 'LS7 1AB' },
      version: 2,
    });
    const now = { ...after, shield: shieldBy('E08000035'), version: 3 };
    expect(recordChangeAlerts(before, after, context(now, involvements))).toEqual([]);
  });

  it('never tells, once the shield is lifted, of a change made while the record was shielded', () => {
    const before = aChild({ shield: shieldBy('E08000035') });
    const after = {
      ...before,
      address: { line1: '1 Refuge Row', town: 'Wakefield', postcode: 'WF1 2AB' },
      version: 2,
    };
    const now = { ...after, shield: undefined, version: 3 };
    expect(recordChangeAlerts(before, after, context(now, involvements))).toEqual([]);
  });

  it('tells no one whose involvement has ended', () => {
    const before = aChild();
    const after = aChild({ education: { status: 'not-in-education' }, version: 2 });
    const alerts = recordChangeAlerts(
      before,
      after,
      context(after, [{ ...nurseInvolvement, endDate: '2026-12-01' }, doctorInvolvement]),
    );
    expect(alerts.map((a) => a.recipientId)).toEqual([otherPractitioner.userId]);
    expect(alerts[0]).toMatchObject({ changes: ['school'] });
  });

  it('tells no one a suspended or unknown account (not among the recipients)', () => {
    const before = aChild();
    const after = aChild({
      gpPractice: { practiceName: 'Chapel Allerton Surgery', contact: { phone: '0113 496 0555' } },
      version: 2,
    });
    const ctx = {
      ...context(after, involvements),
      recipients: new Map([[practitioner.userId, practitioner]]),
    };
    expect(recordChangeAlerts(before, after, ctx).map((a) => a.recipientId)).toEqual([practitioner.userId]);
  });
});
