/**
 * @module
 * Ranking metrics for a single relevant item per query (the next engaged pin).
 */

export const KS = [10, 20, 50] as const

export type Metrics = {
  'recall@10': number
  'recall@20': number
  'recall@50': number
  'mrr@20': number
  'ndcg@20': number
  /** Distinct pins recommended in the top 20 over all queries, as a share of the catalogue. */
  coverage: number
  /** Share of queries that got no recommendation at all. */
  noAnswer: number
  n: number
}

/** Per-query outcome: the 1-based rank of the target in the list (0 when absent), and list length. */
export type QueryOutcome = { rank: number; length: number }

export function summarise(
  outcomes: QueryOutcome[],
  recommended: Set<number>,
  catalogueSize: number
): Metrics {
  const n = outcomes.length
  let r10 = 0
  let r20 = 0
  let r50 = 0
  let mrr = 0
  let ndcg = 0
  let empty = 0
  for (const { rank, length } of outcomes) {
    if (length === 0) {
      empty++
    }
    if (rank > 0) {
      r10 += rank <= 10 ? 1 : 0
      r20 += rank <= 20 ? 1 : 0
      r50 += rank <= 50 ? 1 : 0
      if (rank <= 20) {
        mrr += 1 / rank
        // One relevant item: the ideal DCG is 1, so NDCG is the discounted gain of its rank.
        ndcg += 1 / Math.log2(rank + 1)
      }
    }
  }
  const div = (x: number): number => (n > 0 ? x / n : 0)
  return {
    'recall@10': div(r10),
    'recall@20': div(r20),
    'recall@50': div(r50),
    'mrr@20': div(mrr),
    'ndcg@20': div(ndcg),
    coverage: catalogueSize > 0 ? recommended.size / catalogueSize : 0,
    noAnswer: div(empty),
    n,
  }
}

/** 1-based rank of `target` in `ranked` (0 when absent). */
export function rankOf(ranked: ArrayLike<number>, target: number): number {
  for (let i = 0; i < ranked.length; i++) {
    if (ranked[i] === target) {
      return i + 1
    }
  }
  return 0
}
