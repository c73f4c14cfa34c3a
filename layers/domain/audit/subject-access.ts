import * as z from 'zod';
import type { ChildRecord } from '../child/record.ts';
import { SPECIALIST_SERVICES_SENTENCE } from '../disclosure/view-schema.ts';
import type { ProvenancedField } from '../feeds/best-view.ts';
import type { FeedName } from '../feeds/feed.ts';
import type { Involvement } from '../involvement/schema.ts';
import { isSensitive } from '../involvement/schema.ts';
import type { TrailEntry } from './trail.ts';

/** R8: what a family is told a national feed is, when a field of the record came from one. */
const FEED_LABELS: Record<FeedName, string> = {
  births: 'Birth registration',
  'school-census': 'School census',
  'child-benefit': 'Child Benefit records',
  'nhs-demographics': 'NHS demographics (Personal Demographics Service)',
};

/** The provenance entry a held field (or a part of one, `address.line1`) is described by. */
function provenancedFieldOf(field: string): ProvenancedField | undefined {
  const head = field.split(/[.[]/)[0];
  if (head === 'givenName' || head === 'familyName') return 'name';
  const fields: readonly string[] = [
    'gender',
    'dateOfBirth',
    'nhsNumber',
    'upn',
    'address',
    'education',
    'gpPractice',
  ];
  return head !== undefined && fields.includes(head) ? (head as ProvenancedField) : undefined;
}

/**
 * A subject access report (UK GDPR Art. 15) for a child, prepared by the council's ContactPoint team on
 * a family's request: everything held, field by field with where it came from, and who has accessed
 * the record, by organisation and role. The data manager reviews it before release (sensitive services
 * recorded with a young person's own consent are marked).
 */
export const SubjectAccessReportSchema = z
  .object({
    childId: z.string(),
    preparedAt: z.string(),
    /** R3: a shielded record's report says so first, and marks what must not reach the requester. */
    shielded: z.boolean(),
    notice: z.string().optional(),
    withholdBeforeRelease: z.array(z.string()),
    held: z.array(
      z.object({ field: z.string(), value: z.string(), source: z.string(), withhold: z.boolean() }).strict(),
    ),
    /** R2: other organisations' sensitive services, as the one sentence and nothing else. */
    specialistServices: z.string().optional(),
    involvements: z.array(
      z
        .object({
          serviceType: z.string(),
          organisationName: z.string(),
          practitionerName: z.string(),
          startDate: z.string(),
          endDate: z.string().optional(),
          source: z.string(),
          reviewBeforeRelease: z.boolean(),
          withhold: z.boolean(),
        })
        .strict(),
    ),
    accessByOrganisationAndRole: z.array(
      z
        .object({
          organisationId: z.string(),
          roles: z.string(),
          accesses: z.number().int(),
          first: z.string(),
          last: z.string(),
          actions: z.record(z.string(), z.number().int()),
          withhold: z.boolean(),
        })
        .strict(),
    ),
    accesses: z.array(
      z
        .object({
          at: z.string(),
          organisationId: z.string(),
          roles: z.string(),
          action: z.string(),
          reasonCode: z.string().optional(),
          withhold: z.boolean(),
        })
        .strict(),
    ),
  })
  .strict()
  .meta({
    id: 'SubjectAccessReport',
    example: {
      childId: 'CP7M3K9P2XN',
      preparedAt: '2026-11-21T10:00:00.000Z',
      shielded: false,
      withholdBeforeRelease: [],
      held: [
        {
          field: 'familyName',
          value: 'Walker',
          source: 'Leeds City Council ContactPoint team (last changed 2026-09-01)',
          withhold: false,
        },
      ],
      involvements: [],
      accessByOrganisationAndRole: [
        {
          organisationId: 'ORG-LEEDS-CH',
          roles: 'practitioner',
          accesses: 2,
          first: '2026-10-01T09:00:00.000Z',
          last: '2026-11-20T14:12:00.000Z',
          actions: { 'view-child': 2 },
          withhold: false,
        },
      ],
      accesses: [
        {
          at: '2026-11-20T14:12:00.000Z',
          organisationId: 'ORG-LEEDS-CH',
          roles: 'practitioner',
          action: 'view-child',
          reasonCode: 'SAFEGUARDING',
          withhold: false,
        },
      ],
    },
  });
export type SubjectAccessReport = z.infer<typeof SubjectAccessReportSchema>;

function flatten(prefix: string, value: unknown, out: [string, string][]): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) flatten(`${prefix}[${i + 1}]`, v, out);
  } else if (typeof value === 'object')
    for (const [k, v] of Object.entries(value)) flatten(prefix ? `${prefix}.${k}` : k, v, out);
  else out.push([prefix, String(value)]);
}

const HELD_FIELDS = [
  'givenName',
  'familyName',
  'otherNames',
  'gender',
  'dateOfBirth',
  'nhsNumber',
  'upn',
  'address',
  'previousAddresses',
  'carers',
  'education',
  'gpPractice',
] as const;

/**
 * R3: what says where a shielded child lives, or who could tell — never released to a requester without
 * the shielding team's review: addresses, carers, school, GP, the UPN (it carries the council's number),
 * other names, and every organisation involved with or looking at the child.
 */
const WHEREABOUTS_FIELDS = [
  'address',
  'previousAddresses',
  'carers',
  'education',
  'gpPractice',
  'upn',
  'otherNames',
];
const WHEREABOUTS_SECTIONS = [
  'involvements (the organisations reveal the area)',
  'accesses (the organisations reveal the area)',
];

export function subjectAccessReport(
  record: ChildRecord,
  involvements: Involvement[],
  history: TrailEntry[],
  preparedAt: string,
  preparer: { organisationId: string },
): SubjectAccessReport {
  const shielded = record.shield !== undefined;
  const whereabouts = (field: string) =>
    shielded &&
    WHEREABOUTS_FIELDS.some((f) => field === f || field.startsWith(`${f}.`) || field.startsWith(`${f}[`));
  // R2: another organisation's sensitive service is the one sentence, even to the preparing team.
  const hiddenSensitive = involvements.filter(
    (i) => isSensitive(i.serviceType) && i.organisationId !== preparer.organisationId,
  );
  const shown = involvements.filter((i) => !hiddenSensitive.includes(i));
  const source = `${record.localAuthorityName} ContactPoint team (last changed ${record.updatedAt.slice(0, 10)})`;
  // R8: a field a national feed gave names that feed and its extract; anything else, the team.
  const sourceOf = (field: string) => {
    const provenance = record.provenance?.[provenancedFieldOf(field) ?? 'name'];
    return provenancedFieldOf(field) && provenance && provenance.source !== 'council'
      ? `${FEED_LABELS[provenance.source]} (extract of ${provenance.extractDate})`
      : source;
  };
  const held: [string, string][] = [];
  for (const field of HELD_FIELDS) flatten(field, record[field], held);
  const groups = new Map<string, SubjectAccessReport['accessByOrganisationAndRole'][number]>();
  for (const entry of [...history].sort((a, b) => (a.at < b.at ? -1 : 1))) {
    const roles = entry.actorRoles.join(' ');
    const key = `${entry.actorOrganisationId}|${roles}`;
    const group = groups.get(key) ?? {
      organisationId: entry.actorOrganisationId,
      roles,
      accesses: 0,
      first: entry.at,
      last: entry.at,
      actions: {},
      withhold: shielded,
    };
    group.accesses += 1;
    group.last = entry.at;
    group.actions[entry.action] = (group.actions[entry.action] ?? 0) + 1;
    groups.set(key, group);
  }
  return {
    childId: record.childId,
    preparedAt,
    shielded,
    ...(shielded && {
      notice:
        'THIS RECORD IS SHIELDED (R3). Before anything is released, the shielding team must remove every item marked ' +
        'withhold: it could reveal where the child lives.',
    }),
    withholdBeforeRelease: shielded ? [...WHEREABOUTS_FIELDS, ...WHEREABOUTS_SECTIONS] : [],
    held: held.map(([field, value]) => ({
      field,
      value,
      source: sourceOf(field),
      withhold: whereabouts(field),
    })),
    ...(hiddenSensitive.length > 0 && { specialistServices: SPECIALIST_SERVICES_SENTENCE }),
    involvements: shown.map((i) => ({
      serviceType: i.serviceType,
      organisationName: i.organisationName,
      practitionerName: i.practitionerName,
      startDate: i.startDate,
      ...(i.endDate !== undefined && { endDate: i.endDate }),
      source: `${i.organisationName} (recorded ${i.createdAt.slice(0, 10)})`,
      reviewBeforeRelease: isSensitive(i.serviceType),
      withhold: shielded,
    })),
    accessByOrganisationAndRole: [...groups.values()],
    accesses: history.map((e) => ({
      at: e.at,
      organisationId: e.actorOrganisationId,
      roles: e.actorRoles.join(' '),
      action: e.action,
      ...(e.reasonCode !== undefined && { reasonCode: e.reasonCode }),
      withhold: shielded,
    })),
  };
}

const escapeHtml = (text: string) =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');

/** A printable page of the report; every value escaped. */
export function subjectAccessReportHtml(report: SubjectAccessReport): string {
  const rows = (cells: string[][]) =>
    cells.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Subject access report ${escapeHtml(report.childId)}</title>
<style>body{font-family:Arial,sans-serif;margin:2em}table{border-collapse:collapse;width:100%;margin-bottom:2em}td,th{border:1px solid #999;padding:4px 8px;text-align:left;vertical-align:top}@media print{body{margin:0}}</style></head>
<body>
<h1>ContactPoint subject access report</h1>
${report.notice ? `<p><strong>${escapeHtml(report.notice)}</strong></p><p>Withhold before release: ${escapeHtml(report.withholdBeforeRelease.join('; '))}</p>` : ''}
<p>ContactPoint ID ${escapeHtml(report.childId)} · prepared ${escapeHtml(report.preparedAt)}</p>
<h2>What is held</h2>
<table><thead><tr><th>Field</th><th>Value</th><th>Source</th><th>Withhold</th></tr></thead><tbody>${rows(report.held.map((h) => [h.field, h.value, h.source, h.withhold ? 'WITHHOLD' : '']))}</tbody></table>
${report.specialistServices ? `<p>${escapeHtml(report.specialistServices)}</p>` : ''}
<h2>Services involved</h2>
<table><thead><tr><th>Service</th><th>Organisation</th><th>Practitioner</th><th>From</th><th>To</th><th>Review before release</th><th>Withhold</th></tr></thead><tbody>${rows(
    report.involvements.map((i) => [
      i.serviceType,
      i.organisationName,
      i.practitionerName,
      i.startDate,
      i.endDate ?? '',
      i.reviewBeforeRelease ? 'yes' : 'no',
      i.withhold ? 'WITHHOLD' : '',
    ]),
  )}</tbody></table>
<h2>Who has accessed the record</h2>
<table><thead><tr><th>Organisation</th><th>Role</th><th>Accesses</th><th>First</th><th>Last</th><th>Withhold</th></tr></thead><tbody>${rows(
    report.accessByOrganisationAndRole.map((g) => [
      g.organisationId,
      g.roles,
      String(g.accesses),
      g.first,
      g.last,
      g.withhold ? 'WITHHOLD' : '',
    ]),
  )}</tbody></table>
</body></html>
`;
}
