import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileChildArchive } from '#adapters/archive/child-archive.ts';
import type { DynamoChildRepository } from '#adapters/dynamo/child-repository.ts';
import { DynamoInbox } from '#adapters/dynamo/inbox.ts';
import { DynamoInvolvementRepository } from '#adapters/dynamo/involvement-repository.ts';
import { DynamoRetentionStore } from '#adapters/dynamo/retention-store.ts';
import { DynamoReviewQueue } from '#adapters/dynamo/review-queue.ts';
import { systemEnvironment } from '#adapters/environment.ts';
import { feedLinkageWith } from '#adapters/feed-linkage.ts';
import { postcodeAuthorities } from '#adapters/postcode-authorities.ts';
import type { Principal } from '#domain/access/principal.ts';
import type { AuditEvent } from '#domain/audit/event.ts';
import { type ChildFields, childFieldsExample } from '#domain/child/schema.ts';
import { ConflictError, NotFoundError } from '#domain/errors.ts';
import type { FeedFields, FeedName, FeedRecord } from '#domain/feeds/feed.ts';
import type { InvolvementRequest } from '#domain/involvement/schema.ts';
import type { Environment, RetentionStore } from '#domain/ports.ts';
import { createChild, updateChild } from '#domain/use-cases/change-child.ts';
import { registerInvolvement } from '#domain/use-cases/involvements.ts';
import {
  contentOf,
  type FeedLinkageDependencies,
  linkFeedRecord,
} from '#domain/use-cases/link-feed-records.ts';
import {
  type RetentionJobDeps,
  readArchivedChild,
  recordDeathNotice,
  recordRetentionConsent,
  runRetention,
  withdrawRetentionConsent,
} from '#domain/use-cases/retention.ts';
import { decideReview, listReviews } from '#domain/use-cases/reviews.ts';
import { searchChildren } from '#domain/use-cases/search-children.ts';
import { viewChild } from '#domain/use-cases/view-child.ts';
import { aChild, anInvolvement, leedsDataManager, practitioner } from '../support/builders.ts';
import { type DynamoFixture, startDynamoFixture } from '../support/local-dynamo.ts';

const facts = { requestId: 'req-retention', sourceIp: '127.0.0.1' };
const reason = { code: 'SAFEGUARDING' as const };
const investigation = { reason: 'MISUSE_INVESTIGATION' as const, reasonText: 'Misuse alert MA-2041-007' };
const { nhsNumber: _nhs, upn: _upn, ...unidentified } = childFieldsExample as unknown as ChildFields;
const schoolNurse = {
  serviceType: 'school-nursing',
  practitionerName: 'Priya Shah',
  role: 'School nurse',
  contact: { phone: '0113 496 0303' },
  startDate: '2026-09-01',
  leadProfessional: false,
  assessmentCompleted: false,
} as InvolvementRequest;

const leedsAuditor: Principal = {
  userId: 'user-auditor',
  roles: ['auditor'],
  organisationId: 'ORG-LEEDS-CC',
  organisationName: 'Leeds City Council',
  localAuthority: 'E08000035',
  localAuthorityName: 'Leeds City Council',
};
const bradfordAuditor: Principal = {
  ...leedsAuditor,
  userId: 'user-auditor-bradford',
  organisationId: 'ORG-BRADFORD-MDC',
  localAuthority: 'E08000032',
};

/** The clock the tests control: "today" is a UK day, at half past two in the morning UTC (the job's time). */
let now = new Date('2026-12-06T10:00:00Z');
const setToday = (day: string) => {
  now = new Date(`${day}T02:30:00Z`);
};
const clock: Environment = { ...systemEnvironment, now: () => now };

let fx: DynamoFixture;
let store: DynamoRetentionStore;
let archive: FileChildArchive;
let deps: DynamoFixture['adapters'] & { env: Environment };
let job: RetentionJobDeps;
let inbox: DynamoInbox;

async function auditEvents(childId: string): Promise<AuditEvent[]> {
  const { Items } = await fx.dynamo.client.send(new ScanCommand({ TableName: fx.tables.audit }));
  return (Items ?? [])
    .map((i) => unmarshall(i) as AuditEvent)
    .filter((e) => e.childIds.includes(childId))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/** Every item left anywhere in the live tables that names the child (a test may scan; the job never does). */
async function liveItemsOf(childId: string): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  for (const table of [fx.tables.children, fx.tables.involvements, fx.tables.contactRequests]) {
    const { Items } = await fx.dynamo.client.send(new ScanCommand({ TableName: table }));
    found.push(
      ...(Items ?? [])
        .map((i) => unmarshall(i))
        .filter((i) => i.childId === childId || i.ownerChildId === childId),
    );
  }
  return found;
}

async function born(fields: Partial<ChildFields>) {
  now = new Date('2026-12-06T10:00:00Z');
  return createChild(deps, leedsDataManager, { ...unidentified, ...fields } as ChildFields, facts);
}

const searchFor = (child: Pick<ChildFields, 'givenName' | 'familyName' | 'dateOfBirth'>) =>
  searchChildren(
    deps,
    practitioner,
    { givenName: child.givenName, familyName: child.familyName, dateOfBirth: child.dateOfBirth },
    reason,
    facts,
  );

beforeAll(async () => {
  fx = await startDynamoFixture();
  deps = { ...fx.adapters, env: clock };
  // The adapters' own client (with the house error translation), as the job is wired.
  store = new DynamoRetentionStore(fx.adapters.db, fx.tables, () =>
    (fx.adapters.children as DynamoChildRepository).keyHasher(),
  );
  const dir = mkdtempSync(join(tmpdir(), 'cp-retention-'));
  archive = new FileChildArchive(join(dir, 'archive'), join(dir, 'keyring.json'), () => now);
  inbox = new DynamoInbox(fx.adapters.db, fx.tables.alerts);
  job = { retention: store, archive, inbox, env: clock };
});
afterAll(async () => {
  await fx?.dynamo.stop();
});

describe('R7: one child from birth, through consent to 25, to archive and purge', () => {
  it('stays live past 18 with consent, leaves on the 25th birthday, is read by its auditors, and is destroyed six years on', async () => {
    const fields = {
      givenName: 'Amelia',
      familyName: 'Walker',
      dateOfBirth: '2016-09-04',
      nhsNumber: '4010232137',
    };
    const child = await born(fields);
    await registerInvolvement(deps, practitioner, child.childId, schoolNurse, facts);

    setToday('2033-10-01');
    const consented = await recordRetentionConsent(
      deps,
      leedsDataManager,
      child.childId,
      { givenOn: '2033-09-30' },
      facts,
    );
    expect(consented).toMatchObject({ leavesOn: '2041-09-04', leavesBecause: 'age-25-with-consent' });

    for (const day of ['2034-09-04', '2041-09-03']) {
      setToday(day);
      expect((await runRetention(job)).archived).toBe(0);
      expect((await searchFor(fields)).map((m) => m.childId)).toEqual([child.childId]);
    }

    // R9: an alert about the child waits in its practitioner's inbox, beside one about another child.
    const alertAbout = (childId: string, alertId: string) => ({
      recipientId: practitioner.userId,
      alertId,
      kind: 'record-changed' as const,
      childId,
      childName: 'Amelia Walker',
      changes: ['address' as const],
      message: 'The address recorded for Amelia Walker changed.',
      createdAt: '2041-09-01T10:00:00.000Z',
      expiresAt: 2_300_000_000,
    });
    await inbox.deliver([alertAbout(child.childId, 'A1'), alertAbout('CP-SOMEONE-ELSE', 'A2')]);

    setToday('2041-09-04');
    expect(await runRetention(job)).toMatchObject({ today: '2041-09-04', archived: 1, failed: 0 });
    expect(
      (await inbox.list(practitioner.userId, { limit: 10, unreadOnly: false, now: clock.now() })).alerts.map(
        (a) => a.alertId,
      ),
    ).toEqual(['A2']);
    // As for a child who never existed: no match by name and date of birth, none by NHS number, no record.
    expect(await searchFor(fields)).toEqual([]);
    expect(
      await searchFor({ givenName: 'Nobody', familyName: 'Nowhere', dateOfBirth: '2016-09-04' }),
    ).toEqual([]);
    expect(await searchChildren(deps, practitioner, { nhsNumber: '4010232137' }, reason, facts)).toEqual([]);
    await expect(viewChild(deps, practitioner, child.childId, reason, facts)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    // Only the archive entry is left: its ID and two days, nothing of the child.
    expect(await liveItemsOf(child.childId)).toEqual([
      expect.objectContaining({ sk: 'ARCHIVED', archivedOn: '2041-09-04', purgeOn: '2047-09-04' }),
    ]);
    expect(Object.keys((await liveItemsOf(child.childId))[0] as object).sort()).toEqual(
      // `departed`: where its tombstones are (keyed hashes), for the purge to take them away too.
      ['archivedOn', 'childId', 'departed', 'purgeOn', 'retentionDay', 'retentionShard', 'sk'].sort(),
    );
    // The identifier is free again: a new record may hold it (its claim left with the record).
    await expect(born({ ...fields, givenName: 'Other', dateOfBirth: '2020-01-01' })).resolves.toBeDefined();

    setToday('2041-09-05');
    const read = await readArchivedChild(
      { ...deps, retention: store, archive },
      leedsAuditor,
      child.childId,
      investigation,
      facts,
    );
    expect(read).toMatchObject({
      childId: child.childId,
      leftBecause: 'age-25-with-consent',
      purgeOn: '2047-09-04',
    });
    expect(read.record).toMatchObject({ familyName: 'Walker', dateOfBirth: '2016-09-04' });
    expect(read.involvements).toEqual([expect.objectContaining({ practitionerName: 'Priya Shah' })]);
    await expect(
      readArchivedChild(
        { ...deps, retention: store, archive },
        bradfordAuditor,
        child.childId,
        investigation,
        facts,
      ),
    ).rejects.toBeInstanceOf(NotFoundError);

    setToday('2047-09-03');
    expect((await runRetention(job)).purged).toBe(0);
    expect(await archive.get(child.childId)).toBeDefined();

    setToday('2047-09-04');
    expect((await runRetention(job)).purged).toBe(1);
    expect(await archive.get(child.childId)).toBeUndefined();
    expect(await liveItemsOf(child.childId)).toEqual([]);
    await expect(
      readArchivedChild(
        { ...deps, retention: store, archive },
        leedsAuditor,
        child.childId,
        investigation,
        facts,
      ),
    ).rejects.toBeInstanceOf(NotFoundError);

    // R6: the audit trail keeps its own retention; every step is there, the reads with their reason.
    const trail = await auditEvents(child.childId);
    expect(trail.map((e) => [e.action, e.outcome])).toEqual(
      expect.arrayContaining([
        ['create-child', 'success'],
        ['record-retention-consent', 'success'],
        ['archive-child', 'success'],
        ['read-archived-child', 'success'],
        ['read-archived-child', 'not-found'],
        ['purge-archived-child', 'success'],
      ]),
    );
    const auditorRead = trail.find((e) => e.action === 'read-archived-child' && e.outcome === 'success');
    expect(auditorRead).toMatchObject({
      actorId: 'user-auditor',
      disclosure: { [child.childId]: 'full' },
      note: 'MISUSE_INVESTIGATION: Misuse alert MA-2041-007',
    });
  });
});

describe('R7 at the edges', () => {
  it('keeps a record live on the day before the 18th birthday and archives it on the day', async () => {
    const fields = { givenName: 'Noah', familyName: 'Fenwick', dateOfBirth: '2012-03-10' };
    const child = await born(fields);
    setToday('2030-03-09');
    await runRetention(job);
    expect(await deps.children.get(child.childId)).toBeDefined();
    setToday('2030-03-10');
    await runRetention(job);
    expect(await deps.children.get(child.childId)).toBeUndefined();
    expect((await archive.get(child.childId))?.leftBecause).toBe('age-18');
  });

  it('goes back to the 18th birthday once consent is withdrawn, and leaves at the next run when already 18', async () => {
    const fields = { givenName: 'Leah', familyName: 'Osei', dateOfBirth: '2011-05-20' };
    const child = await born(fields);
    setToday('2029-01-10');
    await recordRetentionConsent(deps, leedsDataManager, child.childId, { givenOn: '2029-01-10' }, facts);
    setToday('2031-02-01');
    await runRetention(job);
    expect(await deps.children.get(child.childId)).toBeDefined();
    const withdrawn = await withdrawRetentionConsent(
      deps,
      leedsDataManager,
      child.childId,
      { withdrawnOn: '2031-02-01' },
      facts,
    );
    expect(withdrawn).toMatchObject({ leavesOn: '2029-05-20', leavesBecause: 'age-18' });
    setToday('2031-02-02');
    expect((await runRetention(job)).archived).toBeGreaterThanOrEqual(1);
    expect(await deps.children.get(child.childId)).toBeUndefined();
  });

  it('refuses consent once the leaving day has come (409), and audits the refusal', async () => {
    const child = await born({ givenName: 'Zara', familyName: 'Iqbal', dateOfBirth: '2010-07-01' });
    setToday('2028-07-01');
    await expect(
      recordRetentionConsent(deps, leedsDataManager, child.childId, { givenOn: '2028-07-01' }, facts),
    ).rejects.toBeInstanceOf(ConflictError);
    expect((await auditEvents(child.childId)).map((e) => [e.action, e.outcome])).toContainEqual([
      'record-retention-consent',
      'conflict',
    ]);
  });

  it('archives a record one year after a recorded death, not a day before', async () => {
    const child = await born({ givenName: 'Ivy', familyName: 'Marsh', dateOfBirth: '2020-02-02' });
    setToday('2027-01-15');
    await recordDeathNotice(deps, leedsDataManager, child.childId, { dateOfDeath: '2027-01-10' }, facts);
    setToday('2028-01-09');
    await runRetention(job);
    expect(await deps.children.get(child.childId)).toBeDefined();
    setToday('2028-01-10');
    await runRetention(job);
    expect(await deps.children.get(child.childId)).toBeUndefined();
    expect((await archive.get(child.childId))?.leftBecause).toBe('one-year-after-death');
  });

  it('finishes on a re-run when a run crashed between archiving and removing, with nothing lost', async () => {
    const child = await born({ givenName: 'Oscar', familyName: 'Dunn', dateOfBirth: '2013-11-11' });
    await registerInvolvement(deps, practitioner, child.childId, schoolNurse, facts);
    setToday('2031-11-11');
    const crashing: RetentionStore = {
      dueToLeave: (today) => store.dueToLeave(today),
      dueForPurge: (today) => store.dueForPurge(today),
      holdings: (id) => store.holdings(id),
      archiveEntry: (id) => store.archiveEntry(id),
      forget: (id, audit) => store.forget(id, audit),
      removeLive: async () => {
        throw new Error('the function timed out');
      },
    };
    const crashed = await runRetention({ ...job, retention: crashing });
    expect(crashed.failed).toBeGreaterThanOrEqual(1);
    expect(await deps.children.get(child.childId)).toBeDefined();
    expect(await archive.get(child.childId)).toBeDefined();
    await runRetention(job);
    expect(await deps.children.get(child.childId)).toBeUndefined();
    expect((await archive.get(child.childId))?.involvements).toHaveLength(1);
    expect(await liveItemsOf(child.childId)).toHaveLength(1);
  });

  it('archives the record as it is after a correction that races the job', async () => {
    const child = await born({ givenName: 'Maya', familyName: 'Quinn', dateOfBirth: '2012-08-08' });
    setToday('2030-08-08');
    let corrected = false;
    const racing: RetentionStore = {
      dueToLeave: (today) => store.dueToLeave(today),
      dueForPurge: (today) => store.dueForPurge(today),
      archiveEntry: (id) => store.archiveEntry(id),
      forget: (id, audit) => store.forget(id, audit),
      removeLive: (held, entry, audit) => store.removeLive(held, entry, audit),
      holdings: async (id) => {
        const held = await store.holdings(id);
        if (id === child.childId && !corrected && held) {
          corrected = true;
          await updateChild(
            deps,
            leedsDataManager,
            id,
            { familyName: 'Quinn-Hart' },
            held.record.version,
            facts,
          );
        }
        return held;
      },
    };
    expect((await runRetention({ ...job, retention: racing })).failed).toBe(0);
    expect(await deps.children.get(child.childId)).toBeUndefined();
    expect((await archive.get(child.childId))?.record.familyName).toBe('Quinn-Hart');
  });

  it('lets a record leave when another record holds its identifier claim, and leaves that claim alone', async () => {
    // Seeding writes claims unconditionally, so two records can name one NHS number: the later holds the claim.
    const twins = ['CP0RETAINA1', 'CP0RETAINB2'].map((childId, n) =>
      aChild({
        childId,
        givenName: n === 0 ? 'Ada' : 'Bea',
        familyName: 'Claimant',
        dateOfBirth: n === 0 ? '2011-04-04' : '2013-04-04',
        nhsNumber: '9434765919',
        upn: undefined,
      }),
    );
    // One at a time: one transaction cannot write the same claim item twice.
    for (const twin of twins) await (fx.adapters.children as DynamoChildRepository).importRecords([twin]);
    setToday('2029-04-04');
    expect((await runRetention(job)).failed).toBe(0);
    expect(await deps.children.get('CP0RETAINA1')).toBeUndefined();
    // The claim is the other record's: it stays, and still finds that record.
    expect((await liveItemsOf('CP0RETAINB2')).some((i) => String(i.childId).startsWith('CLAIM#'))).toBe(true);
    setToday('2031-04-04');
    expect((await runRetention(job)).failed).toBe(0);
    expect(await liveItemsOf('CP0RETAINB2')).toEqual([expect.objectContaining({ sk: 'ARCHIVED' })]);
  });

  it('removes a record with more items than one transaction holds', async () => {
    const child = await born({ givenName: 'Theo', familyName: 'Banks', dateOfBirth: '2012-12-12' });
    await new DynamoInvolvementRepository(fx.adapters.db, fx.tables).importInvolvements(
      Array.from({ length: 150 }, (_, n) =>
        anInvolvement({
          childId: child.childId,
          involvementId: `INV-${n}-00000000-0000-0000-0000-${String(n).padStart(12, '0')}`,
        }),
      ),
    );
    setToday('2030-12-12');
    expect((await runRetention(job)).failed).toBe(0);
    expect((await archive.get(child.childId))?.involvements).toHaveLength(150);
    expect(await liveItemsOf(child.childId)).toHaveLength(1);
  });
});

describe('R7 on the UK calendar day', () => {
  it('archives at 23:30 UTC in summer a child whose 18th birthday has begun in London, though not yet in UTC', async () => {
    const child = await born({ givenName: 'Maisie', familyName: 'Quinn', dateOfBirth: '2014-06-15' });
    now = new Date('2032-06-14T23:30:00Z');
    const summary = await runRetention(job);
    expect(summary.today).toBe('2032-06-15');
    expect(await deps.children.get(child.childId)).toBeUndefined();
  });
});

const LEEDS = 'E08000035';
const authorities = postcodeAuthorities(
  JSON.stringify({ areas: { LS: [LEEDS, 'Leeds City Council'] }, default: [LEEDS, 'Leeds City Council'] }),
);
const home = { line1: '14 Harehills Lane', town: 'Leeds', postcode: 'LS8 3QE' };
let line = 0;
const feedRow = (feed: FeedName, sourceId: string, extractDate: string, fields: FeedFields): FeedRecord => ({
  feed,
  sourceId,
  extractDate,
  line: ++line,
  fields,
});

/** The linker on the same tables, with the review queue in DynamoDB (its items name candidates). */
function linker(): { linking: FeedLinkageDependencies; reviewQueue: DynamoReviewQueue } {
  const hasher = () => (fx.adapters.children as DynamoChildRepository).keyHasher();
  const reviewQueue = new DynamoReviewQueue(
    fx.adapters.db,
    { reviews: fx.tables.reviews, audit: fx.tables.audit },
    hasher,
  );
  return {
    linking: feedLinkageWith(fx.adapters, {
      matching: fx.adapters.matching,
      reviews: reviewQueue,
      authorities,
    }),
    reviewQueue,
  };
}

/**
 * Every item of the live tables that names the child: its own, the claims and links it owns, the decisions that
 * it is not a row's child, and the open review items whose candidate it is (a test may scan; the job never does).
 */
async function namingItemsOf(childId: string): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  for (const table of [fx.tables.children, fx.tables.involvements, fx.tables.contactRequests]) {
    const { Items } = await fx.dynamo.client.send(new ScanCommand({ TableName: table }));
    found.push(
      ...(Items ?? [])
        .map((i) => unmarshall(i))
        .filter((i) => i.childId === childId || i.ownerChildId === childId || i.notChildId === childId),
    );
  }
  const { Items } = await fx.dynamo.client.send(new ScanCommand({ TableName: fx.tables.reviews }));
  found.push(
    ...(Items ?? [])
      .map((i) => unmarshall(i))
      .filter((i) => i.candidateChildId === childId && i.status === 'open'),
  );
  return found;
}

describe('R7: whatever names a leaving child leaves with it', () => {
  it('removes its identity claim, its feed-row links, the “not this child” decisions about it and the open review items whose candidate it is', async () => {
    const { linking, reviewQueue } = linker();
    const birth = feedRow('births', 'B2012-0310-HOLT', '2012-03-20', {
      givenName: 'Freya',
      familyName: 'Holt',
      gender: 'female',
      dateOfBirth: '2012-03-10',
      address: home,
    });
    expect(await linkFeedRecord(linking, birth)).toBe('created');
    const childId = (await linking.feeds.sourceState('births', 'B2012-0310-HOLT', '')).link
      ?.childId as string;
    // A row a team said is not Freya, and a row awaiting a team's decision with Freya as its candidate.
    await linking.feeds.rememberNot('school-census', 'S-NOT-FREYA', childId);
    const doubtful = feedRow('school-census', 'S-MAYBE-FREYA', '2024-01-18', {
      givenName: 'Freyja',
      familyName: 'Holte',
      gender: 'female',
      dateOfBirth: '2012-03-10',
      address: home,
    });
    await reviewQueue.queue({
      reviewId: `school-census.S-MAYBE-FREYA.${childId}`,
      queue: LEEDS,
      status: 'open',
      candidateChildId: childId,
      candidateShielded: false,
      row: doubtful,
      probability: 0.6,
      why: [],
      raisedAt: '2026-12-06T10:00:00.000Z',
    });
    await linking.feeds.markPending('school-census', 'S-MAYBE-FREYA', contentOf(doubtful));
    const before = await namingItemsOf(childId);
    for (const named of [
      (i: Record<string, unknown>) => i.sk === 'IDENTITY',
      (i: Record<string, unknown>) => i.sk === 'LINK',
      (i: Record<string, unknown>) => i.sk === `NOT#${childId}`,
      (i: Record<string, unknown>) => i.candidateChildId === childId,
    ])
      expect(before.some(named)).toBe(true);

    setToday('2030-03-10');
    expect((await runRetention(job)).failed).toBe(0);
    expect(await deps.children.get(childId)).toBeUndefined();
    expect(await namingItemsOf(childId)).toEqual([expect.objectContaining({ sk: 'ARCHIVED' })]);
    // The doubtful row no longer waits for a decision nobody can make: its next load weighs it afresh.
    const state = await linking.feeds.sourceState('school-census', 'S-MAYBE-FREYA', contentOf(doubtful));
    expect(state.pending).toBeUndefined();
    expect(state.notChildren).toEqual([]);
  });
});

describe('R7: a feed row does not bring back a child who has left', () => {
  it('makes no record from a row of a child archived at 18 whose earlier extract is loaded late', async () => {
    const { linking } = linker();
    const census = (extractDate: string, line1: string) =>
      feedRow('school-census', 'S-RUBY-STONE', extractDate, {
        givenName: 'Ruby',
        familyName: 'Stone',
        gender: 'female',
        dateOfBirth: '2012-08-01',
        upn: 'H801200009001',
        address: { ...home, line1 },
      });
    expect(await linkFeedRecord(linking, census('2029-10-01', '14 Harehills Lane'))).toBe('created');
    const childId = (await linking.feeds.sourceState('school-census', 'S-RUBY-STONE', '')).link?.childId;
    setToday('2030-08-01');
    expect((await runRetention(job)).failed).toBe(0);
    expect(await deps.children.get(childId as string)).toBeUndefined();
    // The census of 15 July (before her 18th birthday), loaded after she left: it would make her live again.
    expect(await linkFeedRecord(linking, census('2030-07-15', '3 Cardigan Road'))).toBe('unchanged');
    const ruby = { givenName: 'Ruby', familyName: 'Stone', dateOfBirth: '2012-08-01' };
    expect(await searchFor(ruby)).toEqual([]);
  });

  it('makes no record from a row of a child archived a year after death, sends a row with only the same names and date of birth to a person, and forgets both once the archive is destroyed', async () => {
    const { linking, reviewQueue } = linker();
    const poppy = {
      givenName: 'Poppy',
      familyName: 'Lane',
      gender: 'female' as const,
      dateOfBirth: '2019-05-05',
    };
    const birth = feedRow('births', 'B2019-POPPY-LANE', '2019-05-15', {
      ...poppy,
      nhsNumber: '9434765870',
      address: home,
    });
    expect(await linkFeedRecord(linking, birth)).toBe('created');
    const childId = (await linking.feeds.sourceState('births', 'B2019-POPPY-LANE', '')).link
      ?.childId as string;
    setToday('2027-01-15');
    await recordDeathNotice(deps, leedsDataManager, childId, { dateOfDeath: '2027-01-10' }, facts);
    setToday('2028-01-10');
    expect((await runRetention(job)).failed).toBe(0);
    expect(await deps.children.get(childId)).toBeUndefined();

    // The same registration again, and another source's row with her NHS number: surely her, so no record.
    const { Items: dbg } = await fx.dynamo.client.send(new ScanCommand({ TableName: fx.tables.children }));
    console.log(
      JSON.stringify(
        (dbg ?? []).map((i) => unmarshall(i)).filter((i) => i.sk === 'GONE' || i.childId === childId),
      ),
    );
    console.log(JSON.stringify(await linking.feeds.sourceState('births', 'B2019-POPPY-LANE', '')));
    expect(await linkFeedRecord(linking, birth)).toBe('unchanged');
    const nhs = feedRow('nhs-demographics', '9434765870', '2028-02-01', {
      ...poppy,
      nhsNumber: '9434765870',
      address: home,
    });
    expect(await linkFeedRecord(linking, nhs)).toBe('unchanged');
    expect(await searchFor(poppy)).toEqual([]);

    // Only her names and date of birth: perhaps another child, so a person decides.
    const benefit = (sourceId: string) =>
      feedRow('child-benefit', sourceId, '2028-03-01', { ...poppy, address: home });
    expect(await linkFeedRecord(linking, benefit('CB-POPPY-1'))).toBe('queued-for-review');
    expect(await linkFeedRecord(linking, benefit('CB-POPPY-2'))).toBe('queued-for-review');
    const review = { ...linking, audit: fx.adapters.audit };
    const { reviews } = await listReviews(review, leedsDataManager, {}, facts);
    const { items } = await reviewQueue.listOpen(LEEDS, { limit: 50 });
    const about = (sourceId: string) => {
      const item = items.find((i) => i.row.sourceId === sourceId);
      const found = reviews.find((r) => r.reviewId === item?.reviewId);
      if (!item || !found) throw new Error(`no review of ${sourceId}`);
      expect(item.candidateChildId).toBe(childId);
      return found;
    };
    // The team sees the row beside a candidate no longer on ContactPoint.
    expect(about('CB-POPPY-1').candidate).toBeNull();
    // Same child: the row is hers, makes no record, and does not come back to the team.
    expect(
      await decideReview(
        review,
        leedsDataManager,
        about('CB-POPPY-1').reviewId,
        { outcome: 'same-child' },
        facts,
      ),
    ).toMatchObject({ rowWent: 'candidate' });
    expect(await linkFeedRecord(linking, benefit('CB-POPPY-1'))).toBe('unchanged');
    // Different children: the row makes its own record.
    const other = await decideReview(
      review,
      leedsDataManager,
      about('CB-POPPY-2').reviewId,
      { outcome: 'different-children' },
      facts,
    );
    expect(other).toMatchObject({ rowWent: 'new-child' });
    expect(await deps.children.get(other.childId as string)).toMatchObject({ givenName: 'Poppy' });
    expect((await reviewQueue.listOpen(LEEDS, { limit: 50 })).items).toEqual([]);

    // Six years on the archive is destroyed, and what she left in place of her keys with it.
    const tombstones = async () => {
      const { Items } = await fx.dynamo.client.send(new ScanCommand({ TableName: fx.tables.children }));
      return (Items ?? [])
        .map((i) => unmarshall(i))
        .filter((i) => i.sk === 'GONE' && i.purgeOn === '2034-01-10');
    };
    expect((await tombstones()).length).toBeGreaterThanOrEqual(4);
    expect(JSON.stringify(await tombstones())).not.toMatch(/Poppy|Lane|2019-05-05|9434765870/);
    setToday('2034-01-10');
    expect((await runRetention(job)).purged).toBeGreaterThanOrEqual(1);
    expect(await tombstones()).toEqual([]);
  });
});
