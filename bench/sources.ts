/**
 * `npm run bench -- sources`: chooses the default scorings of the co-occurrence sources by
 * measurement. On each dataset (generated world, online-retail), sources are computed on data
 * before a temporal cut (boards created after it excluded) and each source alone is scored on
 * next-pin queries of the held-out sessions: recall@20 overall and on tail query pins (lowest
 * tercile of training engagement), for every board scoring (with and without walks filling short
 * lists) and the session scorings (the grid the build tunes over, and jaccard).
 * Scored on the validation slice, so defaults chosen here never see eval's test slice. Writes
 * docs/benchmarks.md ("Source scorings") and bench/results.json ("sources").
 */

import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { computeSplit, eventsBetween, trainingInputs } from '../src/offline/blend/split'
import { nextPinQueries } from '../src/offline/blend/task'
import { tercileThresholds } from '../src/offline/blend/thresholds'
import { COOC_SCORINGS, computeBoardSources } from '../src/offline/board-graph'
import { DEFAULT_BUILD_OPTIONS } from '../src/offline/config'
import { generateWorld, writeWorld } from '../src/offline/generate'
import { loadInputs } from '../src/offline/inputs'
import { silentLogger } from '../src/offline/log'
import type { NeighbourLists } from '../src/offline/neighbour-lists'
import { sessionizeOptions } from '../src/offline/sessions/options'
import { type SessionCoocOptions, sessionCooccurrence } from '../src/offline/sessions/session-cooc'
import { sessionize } from '../src/offline/sessions/sessionize'
import { gridSettings } from '../src/offline/sessions/tune'
import { machine, mergeResults, ROOT, writeDocSection } from './lib/results'
import { flag } from './scale'

const K = 20

/** Top-K of a pin, skipping `seen` pins: its own list, then `fill` (walks) for the rest. */
function topK(
  lists: NeighbourLists,
  pin: number,
  fill: NeighbourLists | null,
  seen: ReadonlySet<number>
): number[] {
  const out: number[] = []
  for (let r = 0; r < lists.counts[pin]! && out.length < K; r++) {
    const j = lists.indices[pin * lists.topN + r]!
    if (!seen.has(j)) {
      out.push(j)
    }
  }
  for (let r = 0; fill && r < fill.counts[pin]! && out.length < K; r++) {
    const j = fill.indices[pin * fill.topN + r]!
    if (!out.includes(j) && !seen.has(j)) {
      out.push(j)
    }
  }
  return out
}

export async function run(argv: string[] = []): Promise<void> {
  const gen = join(ROOT, 'bench', 'data', 'gen-5000')
  if (!existsSync(join(gen, 'events.csv'))) {
    await writeWorld(generateWorld({ pins: 5000, seed: 42 }), gen)
  }
  const retail = flag(argv, 'retail', join(ROOT, '..', 'shared', 'data', 'online-retail'))
  const datasets = [
    {
      name: 'generated (5,000 pins)',
      boards: join(gen, 'boards.csv'),
      events: join(gen, 'events.csv'),
    },
    {
      name: 'online-retail',
      boards: join(retail, 'boards.csv.gz'),
      events: join(retail, 'events.csv.gz'),
    },
  ].filter((d) => {
    if (!existsSync(d.events)) {
      console.error(`[sources] ${d.name} skipped: no ${d.events} (online-retail: --retail DIR)`)
    }
    return existsSync(d.events)
  })
  const results: Record<string, Record<string, { recall20: number; tailRecall20: number }>> = {}
  for (const ds of datasets) {
    const inputs = await loadInputs(
      ds,
      { skipBadRows: false, columns: { boards: {}, events: {}, pins: {} } },
      silentLogger
    )
    const split = computeSplit(inputs.events!, { testFraction: 0.2, validationFraction: 0.1 })
    // Defaults are chosen here, so score on the validation slice, never on eval's test slice.
    const train = trainingInputs(inputs, split.validationCut).inputs
    const sessionOptions = sessionizeOptions(
      inputs.events!.actions.ids,
      DEFAULT_BUILD_OPTIONS.sessions
    )
    const weights = sessionOptions.actionWeight
    // Targets new to the session, as the build's blend fit and eval's tasks have them.
    const queries = nextPinQueries(
      eventsBetween(inputs.events!, split.validationCut, split.testCut),
      { ...sessionOptions, newOnly: true }
    )
    const { sessions } = sessionize(train.events!, sessionOptions)
    const engagement = new Int32Array(inputs.pins.size)
    for (const p of sessions.pins) {
      engagement[p]!++
    }
    const { tailMax } = tercileThresholds(Array.from(queries.query, (q) => engagement[q]!))
    const score = (lists: NeighbourLists, fill: NeighbourLists | null) => {
      let hits = 0
      let tailHits = 0
      let tail = 0
      const h = queries.history!
      for (let q = 0; q < queries.query.length; q++) {
        // The pins already engaged in the session are skipped, as the served answer skips them.
        const seen = new Set(h.tokens.subarray(h.start[q]!, h.end[q]!))
        const hit = topK(lists, queries.query[q]!, fill, seen).includes(queries.target[q]!) ? 1 : 0
        hits += hit
        if (engagement[queries.query[q]!]! <= tailMax) {
          tail++
          tailHits += hit
        }
      }
      return { recall20: hits / queries.query.length, tailRecall20: tail ? tailHits / tail : 0 }
    }
    results[ds.name] = {}
    const b = train.boards!
    for (const scoring of COOC_SCORINGS) {
      const sources = await computeBoardSources(
        { board: b.board, pin: b.pin, boardCount: b.boards.size },
        inputs.pins.size,
        {
          ...DEFAULT_BUILD_OPTIONS,
          cooc: { ...DEFAULT_BUILD_OPTIONS.cooc, scoring },
          topN: 50,
          seed: 42,
        },
        silentLogger
      )
      results[ds.name]![`board ${scoring}`] = score(sources.cooc, null)
      results[ds.name]![`board ${scoring} + walks`] = score(sources.cooc, sources.walk)
      console.error(
        `[sources] ${ds.name} board ${scoring}: ${JSON.stringify(results[ds.name]![`board ${scoring}`])}`
      )
    }
    // Session scorings: the 'damped' grid that the build tries on its held-out queries
    // (src/offline/sessions/tune.ts), and 'jaccard'.
    const settings: { label: string; options: Partial<SessionCoocOptions> }[] = gridSettings().map(
      ({ lengthDamping, decay, backward, popularityExponent }) => ({
        label: `session damped, length damping ${lengthDamping}, decay ${decay}, backward ${backward}, β ${popularityExponent}`,
        options: { scoring: 'damped', lengthDamping, decay, backward, popularityExponent },
      })
    )
    settings.push({ label: 'session jaccard', options: { scoring: 'jaccard' } })
    for (const setting of settings) {
      const { lists } = sessionCooccurrence(sessions, inputs.pins.size, {
        ...DEFAULT_BUILD_OPTIONS.sessionCooc,
        ...setting.options,
        topN: 50,
        actionWeight: weights,
      })
      results[ds.name]![setting.label] = score(lists, null)
      console.error(
        `[sources] ${ds.name} ${setting.label}: ${JSON.stringify(results[ds.name]![setting.label])}`
      )
    }
  }
  await mergeResults('sources', results)
  const names = Object.keys(results)
  const labels = Object.keys(results[names[0]!] ?? {})
  const pct = (x: number): string => (x * 100).toFixed(2)
  await writeDocSection(
    'Source scorings',
    `Command: \`npm run bench -- sources\` (${new Date().toISOString().slice(0, 10)}; ${machine()}).
Each source alone, trained on the events before the validation cut: recall@20 (%) of its top-20 list (pins already engaged in the session skipped) for the next pin new to the session, in the validation slice (the 10% of the time span before eval's test slice; never the test slice), overall / on tail query pins (lowest tercile of training engagement). "+ walks" fills lists shorter than 20 with Pixie-style walk candidates. Session rows: length damping γ (a session of n engagements weighs 1 / log2(1 + n)^γ), decay, backward weight and popularity exponent β of the 'damped' scoring (src/offline/sessions/session-cooc.ts); the build chooses among these rows on its own held-out queries (src/offline/sessions/tune.ts).

| source | ${names.map((n) => `${n} overall | ${n} tail`).join(' | ')} |
|---|${names.map(() => '---|---|').join('')}
${labels.map((l) => `| ${l} | ${names.map((n) => `${pct(results[n]![l]!.recall20)} | ${pct(results[n]![l]!.tailRecall20)}`).join(' | ')} |`).join('\n')}`
  )
}
