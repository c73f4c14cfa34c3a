import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { ChildRecord } from '#domain/child/record.ts';
import { blockingKeysOf } from '#domain/matching/blocking.ts';
import { assessCandidate } from '#domain/matching/engine.ts';
import type { ExplainableField } from '#domain/matching/explain.ts';
import type { MatchingModel } from '#domain/matching/model.ts';
import { MAX_MATCHES, queryOf, type SearchCriteria, searchKeysFor } from '#domain/search/criteria.ts';
import { profileOf } from '#domain/search/profile.ts';
import { asChild, type FebrlRecord, febrlChildId } from './febrl.ts';
import { table } from './stats.ts';

const EVERYTHING: ReadonlySet<ExplainableField> = new Set(['names', 'dateOfBirth', 'postcode', 'gender']);

export interface QueryOutcome {
  /** The true child reached scoring (blocking kept the pair). */
  blocked: boolean;
  /** Probabilities of every candidate blocking found, and whether each is the true child. */
  scored: { probability: number; truth: boolean }[];
  keys: number;
  /** The true pair's probability scored directly, blocking or not: what the model alone could find. */
  truthProbability: number;
}

export function criteriaOf(d: FebrlRecord, withPostcode: boolean): SearchCriteria | undefined {
  if (!d.dateOfBirth || !(d.givenName || d.familyName)) return undefined;
  return {
    ...(d.givenName && { givenName: d.givenName }),
    ...(d.familyName && { familyName: d.familyName }),
    dateOfBirth: d.dateOfBirth,
    ...(withPostcode && d.postcode && { postcode: d.postcode }),
  };
}

/**
 * Every findable FEBRL 4 query run through the engine in process, exactly as the search runs it but
 * keeping every candidate's probability, so precision and recall can be read at any threshold.
 */
export function scoreQueries(
  model: MatchingModel,
  originals: FebrlRecord[],
  duplicates: FebrlRecord[],
  withPostcode: boolean,
): QueryOutcome[] {
  const children = originals.map(asChild).filter((c): c is ChildRecord => c !== undefined);
  const byKey = new Map<string, ChildRecord[]>();
  for (const child of children)
    for (const key of blockingKeysOf(child)) byKey.set(key, [...(byKey.get(key) ?? []), child]);
  const byId = new Map(children.map((c) => [c.childId, c]));
  const outcomes: QueryOutcome[] = [];
  for (const d of duplicates) {
    const criteria = criteriaOf(d, withPostcode);
    const truth = febrlChildId(d.trueId);
    if (!criteria || !byId.has(truth)) continue;
    const keys = searchKeysFor(criteria);
    const trueProfile = profileOf(byId.get(truth) as ChildRecord);
    const query = queryOf(criteria);
    // Exactly as the search weighs each candidate (the same engine function), keeping every probability.
    const truthProbability = assessCandidate(model, query, trueProfile, EVERYTHING)?.probability ?? 0;
    const candidates = new Map<string, ChildRecord>();
    for (const key of keys) for (const c of byKey.get(key) ?? []) candidates.set(c.childId, c);
    const scored = [...candidates.values()].map(profileOf).flatMap((p) => {
      const assessed = assessCandidate(model, query, p, EVERYTHING);
      return assessed ? [{ probability: assessed.probability, truth: p.childId === truth }] : [];
    });
    outcomes.push({ blocked: candidates.has(truth), scored, keys: keys.length, truthProbability });
  }
  return outcomes;
}

export interface AtThreshold {
  threshold: number;
  recallAt10: number;
  precisionAt1: number;
  /** Of every match returned, the share that is the true child. */
  precision: number;
  tooMany: number;
  answered: number;
}

export function atThreshold(outcomes: QueryOutcome[], threshold: number): AtThreshold {
  let found = 0;
  let first = 0;
  let answered = 0;
  let returned = 0;
  let returnedTrue = 0;
  let tooMany = 0;
  for (const o of outcomes) {
    const kept = o.scored
      .filter((s) => s.probability >= threshold)
      .sort((a, b) => b.probability - a.probability);
    if (kept.length > MAX_MATCHES) {
      tooMany++;
      continue;
    }
    if (kept.length === 0) continue;
    answered++;
    returned += kept.length;
    if (kept.some((s) => s.truth)) {
      found++;
      returnedTrue++;
    }
    if (kept[0]?.truth) first++;
  }
  return {
    threshold,
    recallAt10: found / outcomes.length,
    precisionAt1: answered > 0 ? first / answered : 1,
    precision: returned > 0 ? returnedTrue / returned : 1,
    tooMany: tooMany / outcomes.length,
    answered,
  };
}

export const THRESHOLDS = [
  0.001, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999,
];

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

export function curveTable(outcomes: QueryOutcome[], chosen: number): string {
  return table([
    ['threshold', 'recall@10', 'precision@1', 'precision (all returned)', 'too many', ''],
    ...THRESHOLDS.map((t) => {
      const r = atThreshold(outcomes, t);
      return [
        t,
        pct(r.recallAt10),
        pct(r.precisionAt1),
        pct(r.precision),
        pct(r.tooMany),
        t === chosen ? '← the model’s threshold' : '',
      ];
    }),
  ]);
}

/** The precision/recall curve over the threshold as an SVG chart, the model's threshold marked. */
export function curveSvg(series: { name: string; outcomes: QueryOutcome[] }[], chosen: number): string {
  const [w, h, left, bottom, top, right] = [640, 420, 70, 60, 40, 180];
  const plotW = w - left - right;
  const plotH = h - top - bottom;
  const points = series.map((s) => THRESHOLDS.map((t) => atThreshold(s.outcomes, t)));
  const all = points.flat();
  const minRecall = Math.floor(Math.min(...all.map((p) => p.recallAt10)) * 100) / 100 - 0.01;
  const minPrecision = Math.floor(Math.min(...all.map((p) => p.precision)) * 100) / 100 - 0.01;
  const x = (recall: number) => left + ((recall - minRecall) / (1 - minRecall)) * plotW;
  const y = (precision: number) => top + (1 - (precision - minPrecision) / (1 - minPrecision)) * plotH;
  const colours = ['#1d70b8', '#d4351c'];
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="Arial, sans-serif" font-size="12">`,
    `<title>Precision and recall@10 of ContactPoint search on FEBRL 4 as the match threshold moves</title>`,
    `<rect width="${w}" height="${h}" fill="#fff"/>`,
    `<text x="${left}" y="22" font-size="14" font-weight="bold">Search on FEBRL 4: precision against recall@10 over the threshold</text>`,
    `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#0b0c0c"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#0b0c0c"/>`,
    `<text x="${left + plotW / 2}" y="${h - 15}" text-anchor="middle">recall@10 (share of findable queries whose child is returned)</text>`,
    `<text transform="translate(18 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">precision (share of returned matches that are the child)</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const r = minRecall + ((1 - minRecall) * i) / 4;
    const p = minPrecision + ((1 - minPrecision) * i) / 4;
    parts.push(
      `<text x="${x(r)}" y="${top + plotH + 18}" text-anchor="middle">${(100 * r).toFixed(1)}%</text>`,
    );
    parts.push(`<text x="${left - 6}" y="${y(p) + 4}" text-anchor="end">${(100 * p).toFixed(1)}%</text>`);
  }
  points.forEach((line, i) => {
    const colour = colours[i % colours.length];
    parts.push(
      `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${line.map((p) => `${x(p.recallAt10).toFixed(1)},${y(p.precision).toFixed(1)}`).join(' ')}"/>`,
    );
    for (const p of line) {
      const mark = p.threshold === chosen;
      parts.push(
        `<circle cx="${x(p.recallAt10).toFixed(1)}" cy="${y(p.precision).toFixed(1)}" r="${mark ? 6 : 3}" fill="${mark ? '#fff' : colour}" stroke="${colour}" stroke-width="2"><title>threshold ${p.threshold}: recall@10 ${pct(p.recallAt10)}, precision ${pct(p.precision)}</title></circle>`,
      );
      if (mark || p.threshold === THRESHOLDS[0] || p.threshold === THRESHOLDS[THRESHOLDS.length - 1])
        parts.push(
          `<text x="${x(p.recallAt10).toFixed(1)}" y="${(y(p.precision) - 9).toFixed(1)}" text-anchor="middle" fill="${colour}">${p.threshold}</text>`,
        );
    }
    parts.push(
      `<rect x="${left + plotW + 20}" y="${top + 20 * i}" width="12" height="12" fill="${colour}"/>`,
    );
    parts.push(`<text x="${left + plotW + 38}" y="${top + 20 * i + 10}">${series[i]?.name}</text>`);
  });
  parts.push(
    `<text x="${left + plotW + 20}" y="${top + 20 * series.length + 14}">open circle: threshold ${chosen}</text>`,
  );
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

const CURVE_FILE = join(import.meta.dirname, '../../docs/performance/search-threshold.svg');

/**
 * The engine's own figures on FEBRL 4, in process: blocking's pairs completeness (of all findable pairs,
 * and of the pairs the model gives at least the threshold when it scores them directly), queries per
 * search, the precision/recall curve over the threshold (printed, and drawn to docs/performance/), and
 * the reviewed model (trained on the synthetic directory) on the same queries, to show it generalises.
 */
export function engineReport(
  model: MatchingModel,
  reviewed: MatchingModel,
  originals: FebrlRecord[],
  duplicates: FebrlRecord[],
): string {
  const lines: string[] = [];
  const rows: (string | number)[][] = [
    [
      'query',
      'findable',
      'pairs completeness',
      'of pairs the model finds unblocked',
      'keys per search',
      `recall@10 (reviewed model)`,
      `precision@1 (reviewed model)`,
    ],
  ];
  const series: { name: string; outcomes: QueryOutcome[] }[] = [];
  for (const withPostcode of [false, true]) {
    const outcomes = scoreQueries(model, originals, duplicates, withPostcode);
    const findableByModel = outcomes.filter((o) => o.truthProbability >= model.threshold);
    const generalised = atThreshold(
      scoreQueries(reviewed, originals, duplicates, withPostcode),
      reviewed.threshold,
    );
    const name = withPostcode ? 'name + date of birth + postcode' : 'name + date of birth';
    rows.push([
      name,
      outcomes.length,
      pct(outcomes.filter((o) => o.blocked).length / outcomes.length),
      `${pct(findableByModel.filter((o) => o.blocked).length / findableByModel.length)} of ${findableByModel.length}`,
      (outcomes.reduce((sum, o) => sum + o.keys, 0) / outcomes.length).toFixed(2),
      pct(generalised.recallAt10),
      pct(generalised.precisionAt1),
    ]);
    series.push({ name, outcomes });
    lines.push(
      `Precision and recall over the threshold, ${name} (the engine in process, the same keys and model):`,
      curveTable(outcomes, model.threshold),
      '',
    );
  }
  mkdirSync(dirname(CURVE_FILE), { recursive: true });
  writeFileSync(CURVE_FILE, curveSvg(series, model.threshold));
  return [
    'Matching engine on FEBRL 4: blocking and threshold',
    table(rows),
    `pairs completeness: share of findable queries whose true child shares a blocking key with the query; "of pairs the model finds unblocked": the same, of the pairs the model scores at or above the threshold (${model.threshold}) when compared directly.`,
    `reviewed model: layers/domain/matching/model.json (${reviewed.trainedOn.source}), on the same queries at its threshold (${reviewed.threshold}).`,
    '',
    ...lines,
    `The curve is drawn in ${relative(process.cwd(), CURVE_FILE)}.`,
  ].join('\n');
}
