import { matchingModelFrom } from '#adapters/matching-model.ts';
import { trainModel } from '#domain/matching/train.ts';
import { asChild, readFebrl } from './test/bench/febrl.ts';
import { comparableOf } from './test/bench/matching-model.ts';
import { engineReport } from './test/bench/matching-quality.ts';

const dir = '/work/shared/data/febrl';
const a = readFebrl(`${dir}/dataset4a.csv`),
  b = readFebrl(`${dir}/dataset4b.csv`);
const reviewed = matchingModelFrom({});
const febrl = trainModel(
  [...a, ...b].map((r) => comparableOf(r)),
  {
    version: 'febrl',
    source: 'febrl',
    trainedAt: '',
    threshold: reviewed.threshold,
    directoryChildren: a.filter((r) => asChild(r)).length,
    randomPairs: 200000,
    minimumCount: 5,
  },
);
console.log(
  engineReport(febrl, reviewed, a, b)
    .split('\n')
    .filter((l) => /^\| (name|0\.1 )/.test(l))
    .join('\n'),
);
