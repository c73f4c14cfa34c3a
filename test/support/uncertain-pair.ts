import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildRecord } from '#domain/child/record.ts';
import { isAnotherChildOfTheHousehold, LINKAGE_THRESHOLDS, needsAPerson } from '#domain/feeds/linkage.ts';
import { describesTheChild } from '#domain/matching/engine.ts';
import type { MatchingModel } from '#domain/matching/model.ts';
import { compareRecords } from '#domain/matching/vector.ts';
import { weigh } from '#domain/matching/weigh.ts';
import { profileOf } from '#domain/search/profile.ts';
import type { LinkSummary } from '#domain/use-cases/link-feed-records.ts';
import { loadFeedFile } from '#infra/local/feed-load.ts';
import { localFeedLinkage } from '#infra/local/local-feed-linkage.ts';
import type { LocalStack } from '#infra/local/stack.ts';
import { writeFeedFile } from '#infra/local/synthetic-feed-files.ts';
import type { FeedRow } from '#infra/local/synthetic-feed-rows.ts';

export interface ClaimVariant {
  givenName: string;
  dateOfBirth: string;
}

/**
 * The first of a few ways a claim may differ from a child's record that leaves the pair uncertain, as the linker
 * judges a lone candidate: not set aside by the fields, likely enough to ask about, and either below the link
 * threshold or a pair a person must decide however probable. None if the model settles every one.
 */
export function uncertainVariantOf(record: ChildRecord, matching: MatchingModel): ClaimVariant | undefined {
  const [year, month, day] = record.dateOfBirth.split('-') as [string, string, string];
  const oneDigitOff = String(Number(day) <= 18 ? Number(day) + 10 : Number(day) - 10).padStart(2, '0');
  const initial = (record.givenName[0] as string).toUpperCase();
  const variants: ClaimVariant[] = [
    { givenName: initial, dateOfBirth: `${year}-${month}-${oneDigitOff}` },
    { givenName: record.givenName, dateOfBirth: `${Number(year) + 1}-${month}-${oneDigitOff}` },
    { givenName: initial, dateOfBirth: record.dateOfBirth },
    { givenName: record.givenName, dateOfBirth: `${Number(year) - 1}-${month}-${day}` },
  ];
  return variants.find((v) => {
    const vector = compareRecords({ ...v, familyName: record.familyName }, profileOf(record));
    const { probability } = weigh(matching, vector, matching.searchPrior);
    const ruledOut = isAnotherChildOfTheHousehold(vector) || !describesTheChild(vector);
    return (
      !ruledOut &&
      probability >= LINKAGE_THRESHOLDS.review &&
      (probability < LINKAGE_THRESHOLDS.link || needsAPerson(vector))
    );
  });
}

/** A Child Benefit claim row for a child with this family name and the variant's given name and date of birth. */
export function childBenefitClaim(
  claimReference: string,
  familyName: string,
  variant: ClaimVariant,
): FeedRow {
  return {
    claim_reference: claimReference,
    child_number: '1',
    extract_date: '2027-01-20',
    child_given_name: variant.givenName,
    child_family_name: familyName,
    child_date_of_birth: variant.dateOfBirth,
    claimant_name: '',
    address_line1: '',
    address_line2: '',
    town: '',
    postcode: '',
  };
}

/**
 * Puts one uncertain pair about a child of a running local stack in its council's review queue, the way a real
 * one arrives: a one-row Child Benefit file loaded through the feed linkage. The caller checks the summary.
 */
export async function loadUncertainClaim(
  stack: LocalStack,
  childId: string,
  claimReference: string,
): Promise<{ variant: ClaimVariant; summary: LinkSummary }> {
  const deps = localFeedLinkage({
    stateDir: stack.stateDir,
    dynamoEndpoint: stack.dynamo.endpoint,
    tables: stack.tables,
  });
  const record = await deps.children.get(childId);
  if (!record) throw new Error(`child ${childId} not found`);
  const variant = uncertainVariantOf(record, deps.matching);
  if (!variant) throw new Error(`no uncertain variant of ${childId}`);
  const dir = join(stack.stateDir, 'feeds');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `child-benefit-${claimReference}.csv`);
  await writeFeedFile(file, 'child-benefit', [childBenefitClaim(claimReference, record.familyName, variant)]);
  const { summary } = await loadFeedFile(deps, 'child-benefit', file, { stateDir: stack.stateDir });
  return { variant, summary };
}
