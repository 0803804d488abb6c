import { createHash } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { computeBoardSources } from '../../src/offline/board-graph'
import {
  type BuildOptions,
  type BuildOptionsOverrides,
  buildOptions,
} from '../../src/offline/config'
import { duckdbSources } from '../../src/offline/engines/duckdb/stages'
import { coocPasses } from '../../src/offline/engines/sql-stages'
import { generateWorld, writeWorld } from '../../src/offline/generate/index'
import { type Inputs, loadInputs } from '../../src/offline/inputs'
import { silentLogger } from '../../src/offline/log'
import type { NeighbourLists } from '../../src/offline/neighbour-lists'
import { hash32 } from '../../src/offline/sample/hash32'
import { sessionizeOptions } from '../../src/offline/sessions/options'
import { sessionCooccurrence } from '../../src/offline/sessions/session-cooc'
import { sessionize } from '../../src/offline/sessions/sessionize'

const NO_COLUMNS = { boards: {}, events: {}, pins: {} }

/** The node engine's two co-occurrence stages, as the build runs them. */
async function nodeStages(inputs: Inputs, options: BuildOptions) {
  const b = inputs.boards!
  const board = await computeBoardSources(
    {
      board: b.board,
      pin: b.pin,
      boardCount: b.boards.size,
      pinIds: inputs.pins.ids,
      boardIds: b.boards.ids,
    },
    inputs.pins.size,
    { ...options, walk: { ...options.walk, minCooc: 0 } },
    silentLogger
  )
  const sessionOptions = sessionizeOptions(inputs.events!.actions.ids, options.sessions)
  const { sessions } = sessionize(inputs.events!, sessionOptions)
  const session = sessionCooccurrence(sessions, inputs.pins.size, {
    ...options.sessionCooc,
    topN: options.topN,
    actionWeight: sessionOptions.actionWeight,
  })
  return { cooc: board.cooc, session: session.lists, stats: board.stats }
}

/** Rows as candidate id lists, best first. */
function rows(lists: NeighbourLists, ids: string[]): string[] {
  return Array.from({ length: lists.counts.length }, (_, i) =>
    Array.from(
      { length: lists.counts[i]! },
      (_, r) => ids[lists.indices[i * lists.topN + r]!]
    ).join(' ')
  )
}

/** Largest score difference between two list sets with the same candidates. */
function maxScoreDiff(a: NeighbourLists, b: NeighbourLists): number {
  let worst = 0
  for (let k = 0; k < a.scores.length; k++) {
    worst = Math.max(worst, Math.abs(a.scores[k]! - b.scores[k]!))
  }
  return worst
}

describe('hash32', () => {
  it('is the first 8 hex digits of MD5, for ASCII, UTF-8 and multi-block inputs', () => {
    for (const text of [
      '',
      'a',
      '42:p1',
      'é中文😀',
      'x'.repeat(55),
      'y'.repeat(56),
      'z'.repeat(130),
    ]) {
      const md5 = createHash('md5').update(text, 'utf8').digest('hex')
      expect(hash32(text)).toBe(Number.parseInt(md5.slice(0, 8), 16))
    }
  })
})

describe('DuckDB engine', () => {
  let dir = ''
  let inputs: Inputs
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rp-duckdb-'))
    await writeWorld(generateWorld({ pins: 1500, seed: 5 }), dir)
    inputs = await loadInputs(
      { boards: join(dir, 'boards.csv'), events: join(dir, 'events.csv') },
      { skipBadRows: false, columns: NO_COLUMNS },
      silentLogger
    )
  }, 60_000)
  afterAll(() => rm(dir, { recursive: true, force: true }))

  const cases: [string, BuildOptionsOverrides][] = [
    ['the defaults', {}],
    [
      'a board cap, the pin degree cap, lift and jaccard sessions',
      {
        seed: 3,
        cooc: { maxBoardSize: 12, scoring: 'lift', pinDegreeExponent: 0.5, diverseMinSize: 10 },
        sessionCooc: { scoring: 'jaccard' },
      },
    ],
    [
      'cosine with a power board weight',
      { topN: 7, cooc: { scoring: 'cosine', boardWeight: 0.7 } },
    ],
    [
      'directed session pairs with a popularity exponent',
      { sessionCooc: { decay: 0.5, backward: 0.25, popularityExponent: 0.2 } },
    ],
    ['forward-only session pairs', { sessionCooc: { backward: 0, popularityExponent: 0 } }],
    [
      'sessions of every length weighed alike',
      { sessionCooc: { lengthDamping: 0, decay: 0.5, popularityExponent: 0.2 } },
    ],
  ]
  for (const [name, over] of cases) {
    it(`gives the node engine's lists exactly, with ${name}`, async () => {
      const options: BuildOptions = buildOptions(over)
      const node = await nodeStages(inputs, options)
      const duck = await duckdbSources(inputs, options, { threads: 1 }, silentLogger)
      const ids = inputs.pins.ids
      expect(duck.prunedMemberships).toBe(
        node.stats.memberships -
          node.stats.cappedMemberships -
          node.stats.pruning.diverseMembershipsDropped -
          node.stats.pruning.pinDegreeMembershipsDropped
      )
      expect(node.cooc.counts.reduce((a, c) => a + c, 0)).toBeGreaterThan(1000)
      // The samples under test were drawn: the generated world has spam boards to drop.
      expect(node.stats.pruning.diverseBoardsDropped).toBeGreaterThan(0)
      if (over.cooc?.maxBoardSize) {
        expect(node.stats.cappedGroups).toBeGreaterThan(0)
        expect(node.stats.pruning.pinsDegreeCapped).toBeGreaterThan(0)
      }
      expect(rows(duck.cooc!, ids)).toEqual(rows(node.cooc, ids))
      expect(rows(duck.session!, ids)).toEqual(rows(node.session, ids))
      // Scores agree to float32 rounding (row normalisation divides in another precision).
      expect(maxScoreDiff(duck.cooc!, node.cooc)).toBeLessThan(2e-6)
      expect(maxScoreDiff(duck.session!, node.session)).toBeLessThan(2e-6)
    }, 60_000)
  }

  it('gives the same board lists in passes over the pins as in one, and the pass count the limit needs', async () => {
    const options: BuildOptions = buildOptions({})
    const noSessions = { ...inputs, events: null }
    const one = await duckdbSources(noSessions, options, { threads: 1 }, silentLogger)
    const three = await duckdbSources(
      noSessions,
      options,
      { threads: 1, coocPasses: 3 },
      silentLogger
    )
    expect(one.coocPasses).toBe(1)
    expect(three.coocPasses).toBe(3)
    const ids = inputs.pins.ids
    expect(rows(three.cooc!, ids)).toEqual(rows(one.cooc!, ids))
    expect(maxScoreDiff(three.cooc!, one.cooc!)).toBe(0)
    // 134M pairs (the 10M-membership engines bench) in 2 GiB: 8 passes of half the limit each.
    expect(coocPasses(134_000_000, 2 * 1024 ** 3)).toBe(8)
    expect(coocPasses(134_000_000, null)).toBe(1)
    expect(coocPasses(1000, 2 * 1024 ** 3)).toBe(1)
  }, 60_000)
})
