import { readFileSync } from 'node:fs';
import { MatchingModelSchema } from '#domain/matching/model.ts';
import { trainModel } from '#domain/matching/train.ts';
import { readFebrl } from './test/bench/febrl.ts';
import { atThreshold, curveTable, scoreQueries } from './test/bench/matching-quality.ts';
const dir = '/work/shared/data/febrl';
const a = readFebrl(`${dir}/dataset4a.csv`), b = readFebrl(`${dir}/dataset4b.csv`);
const reviewed = MatchingModelSchema.parse(JSON.parse(readFileSync('layers/domain/matching/model.json', 'utf8')));
const comp = (r: typeof a[number]) => ({ givenName: r.givenName || undefined, familyName: r.familyName || undefined, dateOfBirth: r.dateOfBirth, ...(r.postcode && { postcodes: [r.postcode] }) });
const febrl = trainModel([...a, ...b].map(comp), { version: 'febrl', source: 'febrl', trainedAt: '', threshold: 0.5, randomPairs: 200000, minimumCount: 5 });
for (const [name, model] of [['febrl-trained', febrl], ['reviewed', reviewed]] as const) for (const pc of [false, true]) {
  const t0 = performance.now();
  const o = scoreQueries(model, a, b, pc);
  const blocked = o.filter((x) => x.blocked).length / o.length;
  console.log(`${name} ${pc ? '+pc' : 'n+d'} n=${o.length} completeness ${(100*blocked).toFixed(2)}% keys ${(o.reduce((s, x) => s + x.keys, 0) / o.length).toFixed(2)} (${((performance.now()-t0)/1000).toFixed(1)}s)`);
  console.log(curveTable(o, 0.05));
}
{
  const { compareRecords } = await import('#domain/matching/vector.ts');
  const { weigh } = await import('#domain/matching/weigh.ts');
  const { blockingKeysOf } = await import('#domain/matching/blocking.ts');
  const { searchKeysFor } = await import('#domain/search/criteria.ts');
  const { asChild } = await import('./test/bench/febrl.ts');
  const idx = new Map(a.map((r) => [r.trueId, r]));
  for (const pc of [false, true]) {
    let strong = 0, strongBlocked = 0; const lost: string[] = [];
    for (const q of b) {
      const t = idx.get(q.trueId); const child = t && asChild(t); if (!child || !q.dateOfBirth || !(q.givenName || q.familyName)) continue;
      const p = weigh(febrl, compareRecords({ ...comp(q), postcodes: pc && q.postcode ? [q.postcode] : undefined }, comp(t))).probability;
      if (p < 0.05) continue; strong++;
      const crit = { givenName: q.givenName || undefined, familyName: q.familyName || undefined, dateOfBirth: q.dateOfBirth, postcode: pc ? q.postcode : undefined };
      const ks = new Set(blockingKeysOf(child));
      if (searchKeysFor(crit).some((k) => ks.has(k))) strongBlocked++; else lost.push(`${q.givenName}|${q.familyName}|${q.dateOfBirth}|${q.postcode} <- ${t.givenName}|${t.familyName}|${t.dateOfBirth}|${t.postcode} p=${p.toFixed(3)}`);
    }
    console.log(`${pc ? '+pc' : 'n+d'}: pairs the model gives >= 0.05: ${strong}; blocked ${strongBlocked} = ${(100 * strongBlocked / strong).toFixed(2)}%`);
    console.log(lost.slice(0, 30).join('\n'));
  }
}
{
  const o = scoreQueries(febrl, a, b, false);
  let miss = 0, fragment = 0;
  
  for (const x of o) { const t = x.scored.find((s) => s.truth); if (x.blocked && !t) fragment++; if (t && t.probability >= 0.05 && x.scored.filter((s) => s.probability >= 0.05).length > 10) miss++; }
  console.log('blocked but filtered (fragment rule):', fragment, 'too many:', miss);
}
