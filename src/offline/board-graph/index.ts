/**
 * @module
 * The board-graph candidate sources: size-capped boards → pruning → co-occurrence → walks for
 * pins whose co-occurrence list is short. Every pruning decision is counted in the stats.
 */

import { BuildError } from '../errors'
import type { Logger } from '../log'
import type { NeighbourLists } from '../neighbour-lists'
import { createSampleKeys, indexSampleKeys } from '../sample/keys'
import { cooccurParallel } from './cooccur-threads'
import { type Coverage, coverage } from './coverage'
import { buildGroups, type GroupStats } from './groups'
import type { CoocOptions, WalkStageOptions } from './options'
import { type PruneStats, pruneGroups } from './prune'
import type { WalkStats } from './walk'
import { walkSource } from './walk-source'

export {
  type CoocOptions,
  DEFAULT_COOC_OPTIONS,
  DEFAULT_WALK_OPTIONS,
  type WalkStageOptions,
} from './options'
export { COOC_SCORINGS, type CoocScoring } from './scoring'

export type BoardTables = {
  board: Int32Array
  pin: Int32Array
  boardCount: number
  /** Ids that key the hash-based samples (sample/keys.ts); default: the decimal indices. */
  pinIds?: readonly string[]
  boardIds?: readonly string[]
}

export type BoardSourceStats = GroupStats & {
  pairUpdates: number
  scoring: string
  threads: number
  pruning: PruneStats
  walk: (WalkStats & { threads: number }) | null
  /** Share of the input's pins with at least k candidates, without and with walks. */
  coverage: Coverage[]
}

export type BoardSources = {
  cooc: NeighbourLists
  walk: NeighbourLists | null
  /** Distinct boards per pin after pruning. */
  boardDegree: Int32Array
  stats: BoardSourceStats
  timings: Record<string, number>
}

/** The part of the build options the board-graph stages read. */
export type BoardSourceOptions = {
  topN: number
  seed: number
  cooc: CoocOptions
  walk: WalkStageOptions
  /**
   * Co-occurrence lists computed elsewhere (the DuckDB engine) from the same pruning rules: this
   * stage then only prunes (for walks and board degrees) and checks it kept as many memberships.
   */
  precomputed?: { lists: NeighbourLists; prunedMemberships: number; engine: string }
  /** Only these pins' co-occurrence and walk lists (1 = compute; the blend fit's query pins). */
  rows?: Uint8Array
}

export async function computeBoardSources(
  boards: BoardTables,
  pinCount: number,
  options: BoardSourceOptions,
  log: Logger
): Promise<BoardSources> {
  const timings: Record<string, number> = {}
  const { cooc, topN, seed } = options
  const pre = options.precomputed
  const done = log.step(
    'cooccur',
    pre
      ? `board pruning for walks (co-occurrence from ${pre.engine})`
      : `board co-occurrence (${cooc.scoring})`
  )
  const keys =
    boards.pinIds && boards.boardIds
      ? createSampleKeys(boards.pinIds, boards.boardIds, seed)
      : indexSampleKeys(seed)
  const built = buildGroups(boards.board, boards.pin, boards.boardCount, {
    maxGroupSize: cooc.maxBoardSize,
    seed,
    keys,
  })
  const pruned = pruneGroups(built.groups, pinCount, { ...cooc, seed, keys })
  const groups = pruned.groups
  const boardDegree = new Int32Array(pinCount)
  for (const pin of groups.items) {
    boardDegree[pin]!++
  }
  if (pre && pre.prunedMemberships !== groups.items.length) {
    throw new BuildError(
      'cooccur',
      `${pre.engine} kept ${pre.prunedMemberships} board memberships after pruning, the node rules keep ${groups.items.length}: the SQL in sql/ and src/offline/board-graph disagree`
    )
  }
  const result = pre
    ? { lists: pre.lists, pairUpdates: 0, threads: 0 }
    : await cooccurParallel(groups, pinCount, {
        topN,
        scoring: cooc.scoring,
        boardWeight: cooc.boardWeight,
        threads: cooc.threads,
        ...(options.rows ? { rows: options.rows } : {}),
      })
  const p = pruned.stats
  timings.cooccur = done(
    `${built.stats.groups.toLocaleString('en')} boards, ${built.stats.cappedGroups} capped at ${cooc.maxBoardSize} pins, ` +
      `${p.diverseBoardsDropped} dropped as diverse, ${p.pinsDegreeCapped} pins degree-capped, ` +
      `${result.pairUpdates.toLocaleString('en')} pair updates on ${result.threads} thread(s)`
  )
  let walk: BoardSources['walk'] = null
  let walkStats: BoardSourceStats['walk'] = null
  if (options.walk.minCooc > 0) {
    const doneWalk = log.step(
      'walk',
      `random walks for pins with < ${options.walk.minCooc} co-occurrence neighbours`
    )
    // Walks share the co-occurrence thread budget: they run after it, on the same graph.
    const walked = await walkSource(
      groups,
      pinCount,
      result.lists.counts,
      { ...options.walk, topN, seed, threads: cooc.threads },
      options.rows
    )
    walk = walked.lists
    walkStats = walked.stats
    timings.walk = doneWalk(
      `${walked.stats.queries.toLocaleString('en')} pins, ${walked.stats.steps.toLocaleString('en')} steps, ${walked.stats.stoppedEarly.toLocaleString('en')} stopped early`
    )
  }
  const onBoards = new Uint8Array(pinCount)
  for (const pin of boards.pin) {
    onBoards[pin] = 1
  }
  const covered = coverage(onBoards, result.lists, walk, [10, 20])
  return {
    cooc: result.lists,
    walk,
    boardDegree,
    stats: {
      ...built.stats,
      pairUpdates: result.pairUpdates,
      scoring: cooc.scoring,
      threads: result.threads,
      pruning: pruned.stats,
      walk: walkStats,
      coverage: covered,
    },
    timings,
  }
}
