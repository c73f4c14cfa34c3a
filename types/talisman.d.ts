declare module 'talisman/metrics/jaro-winkler.js' {
  /** Jaro-Winkler similarity, 0..1. */
  const jaroWinkler: (a: string, b: string) => number;
  export default jaroWinkler;
}

declare module 'talisman/metrics/damerau-levenshtein.js' {
  /** The Damerau–Levenshtein distance: insertions, deletions, substitutions and adjacent transpositions. */
  export default function damerauLevenshtein(a: string, b: string): number;
}
