/**
 * @module
 * The blend's fitting task: in every held-out session, each engaged pin is a query whose target is
 * the next distinct pin engaged in the same session; with `newOnly`, only targets not engaged
 * earlier in that session (what the served answer can return: it never shows seen pins again).
 */

import type { EventTable } from '../inputs'
import { sessionCorpus, sessionize } from '../sessions/sessionize'

export type Queries = {
  query: Int32Array
  target: Int32Array
  /**
   * What the user had already engaged in the session when each query was asked (the query pin
   * included): tokens[start[q] .. end[q]). The served answer excludes these pins.
   */
  history?: { tokens: Int32Array; start: Int32Array; end: Int32Array }
}

export function nextPinQueries(
  events: EventTable,
  options: { gapMs: number; actionWeight: Float64Array; newOnly?: boolean }
): Queries {
  const { sessions } = sessionize(events, options)
  // sessionCorpus collapses immediate repeats, so consecutive tokens are distinct pins.
  const corpus = sessionCorpus(sessions)
  const query: number[] = []
  const target: number[] = []
  const start: number[] = []
  const end: number[] = []
  const seen = new Set<number>()
  for (let s = 0; s + 1 < corpus.offsets.length; s++) {
    seen.clear()
    for (let k = corpus.offsets[s]!; k + 1 < corpus.offsets[s + 1]!; k++) {
      seen.add(corpus.tokens[k]!)
      if (options.newOnly && seen.has(corpus.tokens[k + 1]!)) {
        continue
      }
      query.push(corpus.tokens[k]!)
      target.push(corpus.tokens[k + 1]!)
      start.push(corpus.offsets[s]!)
      end.push(k + 1)
    }
  }
  return {
    query: Int32Array.from(query),
    target: Int32Array.from(target),
    history: { tokens: corpus.tokens, start: Int32Array.from(start), end: Int32Array.from(end) },
  }
}
