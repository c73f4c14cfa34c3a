import type { Principal } from '../access/principal.ts';
import type { ChildRecord } from '../child/record.ts';
import { etagOf } from '../child/record.ts';
import { type Involvement, isSensitive } from '../involvement/schema.ts';
import type { MatchProfile } from '../search/profile.ts';
import { seesThroughShield } from '../shield/teams.ts';
import {
  type ChildView,
  type DisclosureLevel,
  type InvolvementView,
  type MatchSummary,
  OVERRIDE_WARNING,
  type OverrideView,
  SHIELDED_CONTACT_INSTRUCTION,
  SPECIALIST_SERVICES_CONTACT,
  SPECIALIST_SERVICES_SENTENCE,
} from './view-schema.ts';

export function disclosureLevelFor(
  record: ChildRecord,
  involvements: Involvement[],
  viewer: Principal,
): DisclosureLevel {
  if (record.shield && !seesThroughShield(record, viewer)) return 'shielded';
  return involvements.some((i) => hiddenFromViewer(i, viewer)) ? 'sensitive-redacted' : 'full';
}

/**
 * R2: a sensitive involvement is visible only inside the organisation that recorded it. The one predicate
 * for "does this caller know of it": views, reports and changes to involvements (leads included) use it.
 */
export function hiddenFromViewer(involvement: Involvement, viewer: Principal): boolean {
  return isSensitive(involvement.serviceType) && involvement.organisationId !== viewer.organisationId;
}

export function involvementView(i: Involvement): InvolvementView {
  return {
    involvementId: i.involvementId,
    serviceType: i.serviceType,
    practitionerName: i.practitionerName,
    role: i.role,
    organisationName: i.organisationName,
    contact: i.contact,
    startDate: i.startDate,
    ...(i.endDate !== undefined && { endDate: i.endDate }),
    leadProfessional: i.leadProfessional,
    assessmentCompleted: i.assessmentCompleted,
    etag: etagOf(i.version),
  };
}

/**
 * What `viewer` may see of a record — the only path by which a record leaves the domain.
 * Fields are copied one by one (never spread from the record), so anything stored for other purposes
 * (previous addresses, consent details, shield metadata) cannot leak by accident.
 */
export function childViewFor(record: ChildRecord, involvements: Involvement[], viewer: Principal): ChildView {
  const level = disclosureLevelFor(record, involvements, viewer);
  if (level === 'shielded') {
    return {
      disclosure: 'shielded',
      childId: record.childId,
      givenName: record.givenName,
      familyName: record.familyName,
      gender: record.gender,
      dateOfBirth: record.dateOfBirth,
      // R3: no council is named — that would say where the family went. Contact is brokered instead.
      contactInstruction: SHIELDED_CONTACT_INSTRUCTION,
    };
  }
  const common = recordFields(record, involvements, viewer);
  return level === 'sensitive-redacted'
    ? {
        disclosure: 'sensitive-redacted',
        ...common,
        specialistServices: SPECIALIST_SERVICES_SENTENCE,
        specialistServicesContact: SPECIALIST_SERVICES_CONTACT,
      }
    : { disclosure: 'full', ...common };
}

/** Every field of the record this viewer may see, R2 applied to the involvements. */
function recordFields(record: ChildRecord, involvements: Involvement[], viewer: Principal) {
  const visible = involvements.filter((i) => !hiddenFromViewer(i, viewer)).map(involvementView);
  return {
    childId: record.childId,
    givenName: record.givenName,
    familyName: record.familyName,
    ...(record.otherNames !== undefined && { otherNames: record.otherNames }),
    gender: record.gender,
    dateOfBirth: record.dateOfBirth,
    ...(record.nhsNumber !== undefined && { nhsNumber: record.nhsNumber }),
    ...(record.upn !== undefined && { upn: record.upn }),
    ...(record.address !== undefined && { address: record.address }),
    carers: record.carers ?? [],
    ...(record.education !== undefined && { education: record.education }),
    ...(record.gpPractice !== undefined && { gpPractice: record.gpPractice }),
    localAuthorityName: record.localAuthorityName,
    involvements: visible,
    ...(record.shield !== undefined && {
      shield: {
        reason: record.shield.reason,
        ...(record.shield.reasonText !== undefined && { reasonText: record.shield.reasonText }),
        reviewDate: record.shield.reviewDate,
        // Only the two teams see this view: each can see whom to contact about the shield.
        shieldingAuthorityName: record.shield.authorityName,
        ...(record.shield.liftAgreedByName !== undefined && {
          liftAgreedBy: record.shield.liftAgreedByName,
        }),
      },
    }),
  };
}

/**
 * R3 break-glass: the record for one view by the holder of the override right — what they would see
 * were it not shielded (R2 still applies), with the warning again. The shield stays for everyone.
 */
export function overrideViewFor(
  record: ChildRecord,
  involvements: Involvement[],
  viewer: Principal,
): OverrideView {
  const { shield: _shield, ...fields } = recordFields(record, involvements, viewer);
  return {
    disclosure: 'override',
    ...fields,
    ...(involvements.some((i) => hiddenFromViewer(i, viewer)) && {
      specialistServices: SPECIALIST_SERVICES_SENTENCE,
    }),
    warning: OVERRIDE_WARNING,
  };
}

/** A search result: only what even the shielded view shows (R3), so a match list never reveals more. */
export function matchSummaryOf(profile: MatchProfile, probability: number, why: string[]): MatchSummary {
  return {
    childId: profile.childId,
    givenName: profile.givenName,
    familyName: profile.familyName,
    dateOfBirth: profile.dateOfBirth,
    gender: profile.gender,
    probability: Math.floor(probability * 1000) / 1000,
    why,
  };
}
