import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildFields, childFieldsExample } from '#domain/child/schema.ts';
import { dateInEitherOrder } from '#domain/matching/blocking.ts';
import { matchingName } from '#domain/matching/compare.ts';
import { createChild, shieldChild, updateChild } from '#domain/use-cases/change-child.ts';
import { searchChildren } from '#domain/use-cases/search-children.ts';
import { leedsDataManager, practitioner } from '../support/builders.ts';
import { type DynamoFixture, startDynamoFixture } from '../support/local-dynamo.ts';

const facts = { requestId: 'req-it', sourceIp: '127.0.0.1' };
const HASH = /^[A-Za-z0-9_-]{22}$/;
let fx: DynamoFixture;

beforeAll(async () => {
  fx = await startDynamoFixture();
});
afterAll(async () => {
  await fx?.dynamo.stop();
});

async function allItems(): Promise<Record<string, unknown>[]> {
  const { Items } = await fx.dynamo.client.send(new ScanCommand({ TableName: fx.tables.children }));
  return (Items ?? []).map((i) => unmarshall(i));
}

/** Every way a name, date, postcode or identifier of this child could be written down. */
function plainForms(fields: {
  names: string[];
  dates: string[];
  postcodes: string[];
  identifiers: string[];
}) {
  const forms = new Set<string>();
  for (const name of fields.names)
    for (const f of [name, name.toLowerCase(), matchingName(name)]) forms.add(f);
  for (const date of fields.dates) {
    for (const d of [date, dateInEitherOrder(date)]) {
      forms.add(d);
      forms.add(d.replaceAll('-', ''));
    }
  }
  for (const postcode of fields.postcodes) {
    forms.add(postcode);
    forms.add(postcode.replace(/\s+/g, ''));
  }
  for (const identifier of fields.identifiers) forms.add(identifier);
  return [...forms].filter((f) => f.length >= 3);
}

describe('keys that reveal nothing (blocking keys and identifier claims are keyed hashes)', () => {
  it('holds no plain name, date of birth, postcode, NHS number or UPN in any key attribute of a seeded child, open or shielded', async () => {
    const open = await createChild(
      fx.adapters,
      leedsDataManager,
      {
        ...(childFieldsExample as unknown as ChildFields),
        givenName: 'Oluwaseun',
        familyName: 'Abernathy',
        otherNames: [{ familyName: 'Castellanos' }],
        dateOfBirth: '2014-07-03',
        nhsNumber: '9434765870',
        upn: 'A801200001003',
      },
      facts,
    );
    const moved = await updateChild(
      fx.adapters,
      leedsDataManager,
      open.childId,
      { familyName: 'Brightwater', address: { line1: '2 Kirkgate', town: 'Leeds', postcode: 'LS1 6BU' } },
      1,
      facts,
    );
    const shielded = await createChild(
      fx.adapters,
      leedsDataManager,
      {
        ...(childFieldsExample as unknown as ChildFields),
        givenName: 'Marisol',
        familyName: 'Quennell',
        dateOfBirth: '2019-11-05',
        nhsNumber: '9434765862',
        upn: 'B801200001004',
      },
      facts,
    );
    await shieldChild(
      fx.adapters,
      leedsDataManager,
      shielded.childId,
      { reason: 'adult-at-risk', reviewDate: '2099-01-01' },
      facts,
    );

    const forms = plainForms({
      names: ['Oluwaseun', 'Abernathy', 'Castellanos', 'Brightwater', 'Marisol', 'Quennell'],
      dates: ['2014-07-03', '2019-11-05'],
      postcodes: ['LS8 3QE', 'LS1 6BU'],
      identifiers: ['9434765870', 'A801200001003', '9434765862', 'B801200001004'],
    });
    const items = await allItems();
    const keyItems = items.filter((i) => String(i.sk).startsWith('KEY#'));
    const claims = items.filter((i) => String(i.childId).startsWith('CLAIM#'));
    expect(keyItems.length).toBeGreaterThan(10);
    expect(claims).toHaveLength(4);
    for (const item of items) {
      const keyAttributes = [item.childId, item.sk, item.blockingKey]
        .filter((v) => v !== undefined)
        .map(String);
      for (const value of keyAttributes) {
        for (const form of forms) expect(value.toLowerCase()).not.toContain(form.toLowerCase());
      }
    }
    for (const item of keyItems) {
      expect(item.blockingKey).toMatch(HASH);
      expect(item.sk).toBe(`KEY#${item.blockingKey}`);
      expect(item.keyGeneration).toBe('b3.k1');
    }
    for (const claim of claims) expect(String(claim.childId).slice('CLAIM#'.length)).toMatch(HASH);
    expect(moved.record.version).toBe(2);
  });

  it('finds the children through the hashed keys: by the new name, by the previous one, by NHS number; the shielded one only by its shown fields (R3)', async () => {
    const find = (criteria: Record<string, string>) =>
      searchChildren(fx.adapters, practitioner, criteria, { code: 'SAFEGUARDING' }, facts);
    const [byNewName] = await find({
      givenName: 'Oluwaseun',
      familyName: 'Brightwater',
      dateOfBirth: '2014-07-03',
    });
    const [byOldName] = await find({
      givenName: 'Oluwaseun',
      familyName: 'Abernathy',
      dateOfBirth: '2014-07-03',
    });
    const [byNhs] = await find({ nhsNumber: '9434765870' });
    expect(byNewName?.childId).toBeDefined();
    expect(byOldName?.childId).toBe(byNewName?.childId);
    expect(byNhs?.childId).toBe(byNewName?.childId);
    const [shielded] = await find({
      givenName: 'Marisol',
      familyName: 'Quennell',
      dateOfBirth: '2019-11-05',
    });
    expect(shielded?.why.join(' ')).not.toMatch(/postcode|NHS|UPN/);
    expect(await find({ nhsNumber: '9434765862' })).toEqual([]);
  });
});
