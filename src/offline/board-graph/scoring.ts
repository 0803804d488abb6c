/**
 * @module
 * Pair scorings of board co-occurrence: how shared boards become one score in [0, 1] per pair.
 * With c(i, j) = Σ_{g ∋ i, j} w(g), d(i) = Σ_{g ∋ i} w(g), W = Σ_g w(g) (boards of one pin count 0):
 *   raw              w = 1,          c / max_k c(i, k)
 *   weighted         w = w(|g|),     c / max_k c(i, k)
 *   cosine           w = 1,          c / √(d(i) d(j))
 *   weighted-cosine  w = w(|g|),     c / √(d(i) d(j))
 *   jaccard          w = 1,          c / (d(i) + d(j) − c)
 *   lift             w = w(|g|),     max(0, NPMI), NPMI = ln(c W / (d(i) d(j))) / −ln(c / W)
 * w(n) = 1 / log2(1 + n) by default, or n^-α (BoardWeight).
 */

export const COOC_SCORINGS = [
  'raw',
  'weighted',
  'cosine',
  'weighted-cosine',
  'jaccard',
  'lift',
] as const
export type CoocScoring = (typeof COOC_SCORINGS)[number]

/**
 * Default `weighted`, from `npm run bench -- sources` (docs/benchmarks.md#source-scorings, recall@20
 * of each source alone): on generated data `raw` was best (45.1%, weighted 43.2%, the cosines and
 * jaccard 32-33%); on online-retail weighted beat raw (31.3% vs 30.6%) and jaccard led (32.4%).
 * Weighted is kept as the one scoring within 2 points of the best on both, and it keeps one huge
 * board from dominating, which raw does not.
 */
export const DEFAULT_COOC_SCORING: CoocScoring = 'weighted'

/** Contribution w(n) of one shared board of size n: 'log' is 1 / log2(1 + n), a number α is n^-α. */
export type BoardWeight = 'log' | number

export const logSizeWeight = (n: number): number => 1 / Math.log2(1 + n)

export function boardWeightFn(weight: BoardWeight): (n: number) => number {
  return weight === 'log' ? logSizeWeight : (n) => n ** -weight
}

/** Scorings that count every shared board as 1 (the others use the size weight w). */
export const isUnweighted = (s: CoocScoring): boolean =>
  s === 'raw' || s === 'cosine' || s === 'jaccard'

/** Scorings whose pair score is the count over the row's best count (the top neighbour scores 1). */
export const isRowNormalised = (s: CoocScoring): boolean => s === 'raw' || s === 'weighted'

/** Numeric code of a scoring, so worker threads get a plain number. */
export const scoringCode = (s: CoocScoring): number => COOC_SCORINGS.indexOf(s)

/**
 * Score of a pair from c = Σ shared w, the two degrees d = Σ w over each pin's boards and the total
 * W = Σ w over all boards. Row-normalised scorings return c here and are divided by the row's
 * maximum after ranking (a positive constant per row keeps the order).
 */
export function pairScore(code: number, c: number, di: number, dj: number, total: number): number {
  switch (code) {
    case 2: // cosine
    case 3: // weighted-cosine
      return Math.min(1, c / Math.sqrt(di * dj))
    case 4: // jaccard
      return Math.min(1, c / (di + dj - c))
    case 5: {
      // lift as normalised PMI: ln(p_ij / (p_i p_j)) / -ln p_ij in [-1, 1], negatives clipped to 0.
      const pij = c / total
      if (pij >= 1) {
        return 1
      }
      const npmi = Math.log((c * total) / (di * dj)) / -Math.log(pij)
      return Math.min(1, Math.max(0, npmi))
    }
    default: // raw, weighted
      return c
  }
}
