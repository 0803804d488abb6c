/**
 * @module
 * What every method under evaluation is asked, and the helpers the peers share. A query is the
 * current pin, up to 10 earlier pins of the session as context (most recent first; empty in the
 * one-pin task) and the time of the current event; `skip` holds the pins the served answer would
 * never return (the query pin, the context and every pin already seen in the session).
 */

export type SessionQuery = { pin: number; context: Int32Array; time: number }

/** Ranked pin indices for a query, at most `k`, none of them in `skip`. */
export type QueryRanker = (q: SessionQuery, k: number, skip: ReadonlySet<number>) => Int32Array

/** The `k` best-scored pins not in `skip`; ties by pin index, so every run ranks alike. */
export function topScored(
  scores: ReadonlyMap<number, number>,
  k: number,
  skip: ReadonlySet<number>
): Int32Array {
  const entries: [number, number][] = []
  for (const [pin, score] of scores) {
    if (score > 0 && !skip.has(pin)) {
      entries.push([pin, score])
    }
  }
  entries.sort((a, b) => b[1] - a[1] || a[0] - b[0])
  return Int32Array.from(entries.slice(0, k), ([pin]) => pin)
}

/**
 * An item-to-item peer from a per-pin scoring: it looks at the current pin only, and remembers
 * each pin's ranked list (the scoring does not depend on the session) up to `keep` entries.
 */
export function itemToItem(
  score: (pin: number) => ReadonlyMap<number, number>,
  keep = 300
): QueryRanker {
  const cache = new Map<number, Int32Array>()
  return (q, k, skip) => {
    let ranked = cache.get(q.pin)
    if (!ranked) {
      ranked = topScored(score(q.pin), keep, new Set([q.pin]))
      cache.set(q.pin, ranked)
    }
    const out: number[] = []
    for (const p of ranked) {
      if (out.length >= k) {
        break
      }
      if (!skip.has(p)) {
        out.push(p)
      }
    }
    return Int32Array.from(out)
  }
}

export const add = (m: Map<number, number>, key: number, value: number): void => {
  m.set(key, (m.get(key) ?? 0) + value)
}
