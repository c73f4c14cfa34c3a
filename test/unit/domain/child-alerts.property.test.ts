import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Principal } from '#domain/access/principal.ts';
import { digestMail } from '#domain/alerts/digest.ts';
import {
  type AlertContext,
  involvementChangeAlerts,
  recordChangeAlerts,
} from '#domain/alerts/raise-child-alerts.ts';
import type { ChildRecord } from '#domain/child/record.ts';
import { childViewFor } from '#domain/disclosure/view.ts';
import type { Involvement, ServiceType } from '#domain/involvement/schema.ts';
import { aChild, anInvolvement, shieldBy } from '../../support/builders.ts';

/**
 * R9 with R2 and R3: whatever changes, no alert says anything its recipient's own view of the record (as it
 * stands when the alert is written) would not show. Every free-text value in the world is a unique token, so
 * a hidden value turning up in an alert is found by a plain substring search.
 */
const token = fc.stringMatching(/^[a-z]{12}$/).map((s) => `tk${s}`);

const LEEDS = 'E08000035';
const BRADFORD = 'E08000032';
const ORGANISATIONS = [
  { organisationId: 'ORG-A', organisationName: 'Org A' },
  { organisationId: 'ORG-B', organisationName: 'Org B' },
  { organisationId: 'ORG-LEEDS-CC', organisationName: 'Leeds City Council', localAuthority: LEEDS },
  { organisationId: 'ORG-BRADFORD-MDC', organisationName: 'Bradford Council', localAuthority: BRADFORD },
] as const;
const USERS: Principal[] = [
  { userId: 'u1', roles: ['practitioner'], ...ORGANISATIONS[0] },
  { userId: 'u2', roles: ['practitioner'], ...ORGANISATIONS[1] },
  { userId: 'u3', roles: ['practitioner'], ...ORGANISATIONS[0] },
  { userId: 'u4', roles: ['data-manager'], ...ORGANISATIONS[2], localAuthorityName: 'Leeds City Council' },
  { userId: 'u5', roles: ['data-manager'], ...ORGANISATIONS[3], localAuthorityName: 'Bradford Council' },
];
const SERVICES: ServiceType[] = ['school-nursing', 'paediatrics', 'camhs', 'sexual-health', 'early-help'];

const aRecord = fc
  .record({
    names: fc.tuple(token, token),
    address: fc.tuple(token, token, token),
    carer: fc.tuple(token, token),
    school: fc.tuple(token, token),
    gp: fc.tuple(token, token),
    otherName: fc.tuple(token, token),
    previous: token,
    shield: fc.option(fc.tuple(fc.constantFrom(LEEDS, BRADFORD), token, token), { nil: undefined }),
  })
  .map(
    (r): ChildRecord =>
      aChild({
        givenName: r.names[0],
        familyName: r.names[1],
        otherNames: [{ givenName: r.otherName[0], familyName: r.otherName[1] }],
        address: { line1: r.address[0], town: r.address[1], postcode: r.address[2] },
        previousAddresses: [{ line1: r.previous, town: r.previous, postcode: r.previous }],
        carers: [
          {
            name: r.carer[0],
            relationship: 'mother',
            parentalResponsibility: true,
            contact: { phone: r.carer[1] },
          },
        ],
        education: { status: 'in-education', institutionName: r.school[0], contact: { phone: r.school[1] } },
        gpPractice: { practiceName: r.gp[0], contact: { phone: r.gp[1] } },
        ...(r.shield && {
          shield: {
            ...shieldBy(r.shield[0], r.shield[1]),
            reason: 'other' as const,
            reasonText: r.shield[2],
          },
        }),
      }),
  );

const anInvolvementOf = (index: number) =>
  fc
    .record({
      by: fc.constantFrom('u1', 'u2', 'u3', 'u4', 'u5', 'client:cms'),
      organisation: fc.constantFrom(...ORGANISATIONS),
      service: fc.constantFrom(...SERVICES),
      words: fc.tuple(token, token, token, token),
      ended: fc.boolean(),
    })
    .map(
      (i): Involvement =>
        anInvolvement({
          involvementId: `INV-${index}`,
          recordedBy: i.by,
          organisationId: i.organisation.organisationId,
          organisationName: i.words[3],
          serviceType: i.service,
          practitionerName: i.words[0],
          role: i.words[1],
          contact: { phone: i.words[2] },
          ...(i.ended && { endDate: '2026-12-01' }),
        }),
    );

const aWorld = fc.record({
  before: aRecord,
  after: aRecord,
  involvements: fc.tuple(anInvolvementOf(1), anInvolvementOf(2), anInvolvementOf(3), anInvolvementOf(4)),
  changed: fc.nat({ max: 3 }),
  ends: fc.boolean(),
});

/** Every token anywhere in the world that this recipient's view of the record as it stands does not show. */
function hiddenFrom(recipient: Principal, ctx: AlertContext, world: unknown): string[] {
  const shown = JSON.stringify(childViewFor(ctx.record, ctx.involvements, recipient));
  return [...new Set(JSON.stringify(world).match(/tk[a-z]{12}/g) ?? [])].filter((t) => !shown.includes(t));
}

describe('R9 alerts never say more than the recipient’s view (R2, R3)', () => {
  it('holds for record changes and involvement changes, shielded or not, sensitive or not', () => {
    fc.assert(
      fc.property(aWorld, ({ before, after, involvements, changed, ends }) => {
        const record = { ...after, childId: before.childId };
        const ctx: AlertContext = {
          record,
          involvements,
          today: '2026-12-06',
          recipients: new Map(USERS.map((u) => [u.userId, u])),
        };
        const subject = involvements[changed] as Involvement;
        const previous = ends ? { ...subject, endDate: undefined } : undefined;
        const alerts = [
          ...recordChangeAlerts(before, record, ctx),
          ...involvementChangeAlerts(previous, subject, ctx),
        ];
        for (const alert of alerts) {
          const recipient = ctx.recipients.get(alert.recipientId) as Principal;
          const text = JSON.stringify(alert);
          for (const hidden of hiddenFrom(recipient, ctx, { before, record, involvements })) {
            expect(text, `${alert.kind} to ${alert.recipientId}`).not.toContain(hidden);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('holds for the digest e-mail, which carries no child detail at all', () => {
    fc.assert(
      fc.property(aRecord, fc.integer({ min: 1, max: 500 }), (record, waiting) => {
        const mail = JSON.stringify(
          digestMail('nurse@example.nhs.uk', waiting, 'https://contactpoint.example.gov.uk'),
        );
        expect(mail).not.toMatch(/tk[a-z]{12}/);
        expect(mail).not.toContain(record.childId);
        expect(mail).not.toContain(record.dateOfBirth);
      }),
    );
  });
});
