/**
 * @module
 * Computes every candidate source from loaded inputs: board co-occurrence, sessions, Pin2Vec.
 */

import type { Queries } from './blend/task'
import { type BoardSourceStats, computeBoardSources } from './board-graph'
import type { BuildOptions } from './config'
import type { Inputs } from './inputs'
import type { Logger } from './log'
import { checkMemory, type MemoryBudget, memoryBudget } from './memory'
import type { NeighbourLists } from './neighbour-lists'
import { type Corpus, searchNeighbours, trainPin2Vec } from './pin2vec'
import { countEngagement } from './sessions/engagement'
import { sessionizeOptions } from './sessions/options'
import { prepareSessionCooc, sessionCooccurrence } from './sessions/session-cooc'
import { type SessionStats, type Sessions, sessionCorpus, sessionize } from './sessions/sessionize'
import { type SessionScoringTune, tuneSessionScoring } from './sessions/tune'

export type Pin2VecSource = {
  lists: NeighbourLists
  /** Row-major [pinCount × dims] float32 vectors; rows with trained[i] = 0 are unused. */
  vectors: Float32Array
  /** The output (context) vectors, same layout: kept so that training can continue. */
  outputs?: Float32Array
  trained: Uint8Array
  dims: number
  lossPerEpoch: number[]
  pairs: number
  pairsPerSec: number
}

export type Sources = {
  pinCount: number
  /** Engagement events per pin (actions with weight > 0). */
  engagement: Int32Array
  /** The same, counting only events in the last `sessions.recentFraction` of the time span. */
  recentEngagement: Int32Array
  /** Distinct boards per pin. */
  boardDegree: Int32Array
  cooc: NeighbourLists | null
  /** Pixie-style random-walk neighbours, for pins with short co-occurrence lists. */
  walk: NeighbourLists | null
  /** Session co-occurrence neighbours. */
  session: NeighbourLists | null
  pin2vec: Pin2VecSource | null
  sessions: Sessions | null
  stats: {
    boards?: BoardSourceStats
    sessions?: SessionStats
    actions?: Record<string, { events: number; weight: number }>
    /** The session scoring chosen on held-out queries, with every setting tried. */
    sessionScoring?: SessionScoringTune
  }
  timings: Record<string, number>
}

/**
 * Sources already computed that a later computeSources may take as they are, instead of
 * recomputing them. The build trains Pin2Vec once, on the events before its hold-out cut, and
 * serves that model (see src/offline/blend/holdout.ts for why).
 */
export type ReusedSources = {
  pin2vec?: {
    source: Pin2VecSource
    timings: Record<string, number>
    /**
     * Continue training it on the sessions that end after this time (ms) instead of serving it
     * as it is; its neighbour lists are searched again.
     */
    continueAfter?: number
    /** What the model is, for the log. */
    label?: string
  }
}

/** The DuckDB engine's stages, loaded only when asked for (the binding is a native module). */
async function runDuckdbStages(
  inputs: Inputs,
  options: BuildOptions,
  log: Logger,
  stages: { sessions: boolean }
) {
  const { duckdbSources } = await import('./engines/duckdb/stages')
  return duckdbSources(
    inputs,
    options,
    { memoryLimit: options.engine.duckdbMemoryLimit || undefined },
    log,
    stages
  )
}

/**
 * Train Pin2Vec (from scratch, or continuing `start` on this corpus) and search its neighbours,
 * for every trained row or only for `listRows`.
 */
async function pin2vecSource(
  corpus: Corpus,
  pinCount: number,
  options: BuildOptions,
  log: Logger,
  timings: Record<string, number>,
  how: {
    budget: MemoryBudget
    start?: Pin2VecSource
    startLabel?: string
    listRows?: Uint8Array
  }
): Promise<Pin2VecSource> {
  const table = pinCount * options.pin2vec.dims * 4
  checkMemory(
    how.budget,
    'train',
    `Pin2Vec (${pinCount.toLocaleString('en')} pins × ${options.pin2vec.dims} dims)`,
    {
      'two weight tables': 2 * table,
      'corpus in frequency order': corpus.tokens.length * 4,
      'embedding and output copies': 2 * table,
      'neighbour lists': pinCount * options.topN * 8,
    },
    'Lower --dims or --top-n, or give the build more memory (--max-memory).'
  )
  const sessionCount = (corpus.offsets.length - 1).toLocaleString('en')
  const doneTrain = log.step(
    'train',
    how.start
      ? `Pin2Vec: continuing ${how.startLabel ?? 'the given model'} on ${corpus.tokens.length.toLocaleString('en')} tokens in ${sessionCount} sessions`
      : `Pin2Vec on ${corpus.tokens.length.toLocaleString('en')} tokens in ${sessionCount} sessions`
  )
  const start =
    how.start?.outputs !== undefined
      ? { vectors: how.start.vectors, outputs: how.start.outputs, trained: how.start.trained }
      : undefined
  if (how.start && !start) {
    throw new RangeError('Pin2Vec: the model to continue has no output vectors')
  }
  const trained = await trainPin2Vec(
    corpus,
    pinCount,
    { ...options.pin2vec, seed: options.seed },
    log,
    start
  )
  // Continuing a model: the train stage is both parts (the first one's time came with `start`).
  timings.train =
    (how.start ? (timings.train ?? 0) : 0) +
    doneTrain(
      `${trained.pairs.toLocaleString('en')} pairs, ${Math.round(trained.pairsPerSec).toLocaleString('en')} pairs/s`
    )
  const doneKnn = log.step(
    'neighbours',
    `cosine top-N (exact, or IVF above 50k pins)${how.listRows ? ', for the rows asked for' : ''}`
  )
  const knn = await searchNeighbours(trained.embeddings, trained.trained, options.topN, {
    log,
    ...(how.listRows ? { queryRows: how.listRows } : {}),
  })
  const counts = new Int32Array(pinCount)
  for (let i = 0; i < pinCount; i++) {
    let c = 0
    while (c < options.topN && knn.indices[i * options.topN + c]! >= 0) {
      c++
    }
    counts[i] = c
  }
  const vectors = trained.embeddings.dataSync() as Float32Array
  const dims = trained.embeddings.shape[1]
  trained.embeddings.dispose()
  // A continued model: pairs and rate over both parts; the losses are the last part's epochs.
  const pairs = trained.pairs + (how.start?.pairs ?? 0)
  const startSeconds = how.start ? how.start.pairs / Math.max(how.start.pairsPerSec, 1e-9) : 0
  timings.neighbours = doneKnn()
  return {
    lists: { topN: options.topN, indices: knn.indices, scores: knn.scores, counts },
    vectors,
    ...(trained.outputs ? { outputs: trained.outputs } : {}),
    trained: trained.trained,
    dims,
    lossPerEpoch: trained.lossPerEpoch,
    pairs,
    pairsPerSec: pairs / Math.max(startSeconds + trained.seconds, 1e-9),
  }
}

export type SourceOptions = {
  /** Take these instead of computing them (the blend fit's Pin2Vec). */
  reuse?: ReusedSources
  /**
   * Board co-occurrence, walk, session co-occurrence and Pin2Vec neighbour lists only for these
   * rows (1 = compute), e.g. the blend fit's query pins; other rows get none. Default: every pin.
   */
  listRows?: Uint8Array
  /**
   * Choose the session co-occurrence scoring on these held-out queries (sessions/tune.ts) and
   * compute the session lists with it; the choice is in `sessionScoring`. The blend fit does this.
   */
  tuneSessionScoring?: Queries
}

export async function computeSources(
  inputs: Inputs,
  options: BuildOptions,
  log: Logger,
  { reuse = {}, listRows, tuneSessionScoring: tuneOn }: SourceOptions = {}
): Promise<Sources> {
  const pinCount = inputs.pins.size
  const budget = memoryBudget(options.maxMemoryBytes)
  const timings: Record<string, number> = {}
  const stats: Sources['stats'] = {}
  const engagement = new Int32Array(pinCount)
  const recentEngagement = new Int32Array(pinCount)
  const boardDegree = new Int32Array(pinCount)
  let cooc: NeighbourLists | null = null
  let walk: NeighbourLists | null = null
  let pin2vec: Pin2VecSource | null = null
  let session: NeighbourLists | null = null
  let sessions: Sessions | null = null
  // A tuned session scoring is chosen and its lists computed here, whatever the engine.
  const tuneQueries =
    tuneOn && options.sessionCooc.tune && options.sessionCooc.scoring === 'damped' ? tuneOn : null
  // Engine hook: with --engine duckdb the two co-occurrence stages run as the SQL of sql/ (the
  // session stage only when its scoring is not being tuned).
  const external =
    options.engine.name === 'duckdb'
      ? await runDuckdbStages(inputs, options, log, { sessions: !tuneQueries })
      : null

  if (inputs.boards) {
    const board = await computeBoardSources(
      {
        board: inputs.boards.board,
        pin: inputs.boards.pin,
        boardCount: inputs.boards.boards.size,
        pinIds: inputs.pins.ids,
        boardIds: inputs.boards.boards.ids,
      },
      pinCount,
      {
        ...options,
        ...(listRows ? { rows: listRows } : {}),
        precomputed:
          external?.cooc && external.prunedMemberships !== null
            ? {
                lists: external.cooc,
                prunedMemberships: external.prunedMemberships,
                engine: `DuckDB ${external.version}`,
              }
            : undefined,
      },
      log
    )
    boardDegree.set(board.boardDegree)
    cooc = board.cooc
    walk = board.walk
    stats.boards = board.stats
    Object.assign(timings, board.timings)
    if (external) {
      timings.boardPruneNode = board.timings.cooccur!
      timings.cooccur = external.timings.cooccur!
    }
  }
  if (external?.timings.sessionCooc !== undefined) {
    timings.sessionCooc = external.timings.sessionCooc
  }

  if (inputs.events) {
    const doneSessions = log.step(
      'sessions',
      `sessionizing with a ${options.sessions.gapMinutes} min gap`
    )
    const sessionOptions = sessionizeOptions(inputs.events.actions.ids, options.sessions)
    const weights = sessionOptions.actionWeight
    const result = sessionize(inputs.events, sessionOptions)
    sessions = result.sessions
    stats.sessions = result.stats
    countEngagement(sessions, options.sessions.recentFraction, engagement, recentEngagement)
    stats.actions = {}
    const perAction = new Int32Array(weights.length)
    for (const a of inputs.events.action) {
      perAction[a]!++
    }
    inputs.events.actions.ids.forEach((name, code) => {
      stats.actions![name] = { events: perAction[code]!, weight: weights[code]! }
    })
    timings.sessions = doneSessions(
      `${result.stats.sessions.toLocaleString('en')} sessions from ${result.stats.events.toLocaleString('en')} events`
    )

    if (external?.session) {
      session = external.session
    } else {
      const doneSessionCooc = log.step(
        'session-cooc',
        `session co-occurrence (${options.sessionCooc.scoring})`
      )
      checkMemory(
        budget,
        'sessions',
        `session co-occurrence (${pinCount.toLocaleString('en')} pins, top ${options.topN})`,
        { 'neighbour lists': pinCount * options.topN * 8, 'per-pin counters': pinCount * 8 * 2 },
        'Lower --top-n, or give the build more memory (--max-memory).'
      )
      let coocOptions = { ...options.sessionCooc, topN: options.topN, actionWeight: weights }
      // Where each pin occurs: shared by the grid and the lists (the masses are computed again
      // only if the grid chooses another length damping).
      const prepared = prepareSessionCooc(
        sessions,
        pinCount,
        coocOptions.scoring,
        weights,
        coocOptions.lengthDamping
      )
      if (tuneQueries) {
        const tuned = await tuneSessionScoring(sessions, pinCount, tuneQueries, coocOptions, log, {
          prepared,
        })
        stats.sessionScoring = tuned
        coocOptions = { ...coocOptions, ...tuned.chosen }
      }
      const sessionCooc = sessionCooccurrence(sessions, pinCount, coocOptions, listRows, prepared)
      session = sessionCooc.lists
      timings.sessionCooc = doneSessionCooc(
        `${sessionCooc.pairUpdates.toLocaleString('en')} pair updates`
      )
    }

    const continued = reuse.pin2vec?.continueAfter
    if (reuse.pin2vec && continued === undefined) {
      pin2vec = reuse.pin2vec.source
      Object.assign(timings, reuse.pin2vec.timings)
      log.info(
        `[train] Pin2Vec: the model trained before the blend's hold-out cut (${pin2vec.pairs.toLocaleString('en')} pairs), not trained again`
      )
    } else {
      const corpus = sessionCorpus(
        sessions,
        continued === undefined ? {} : { endingAfter: continued }
      )
      const start = reuse.pin2vec?.source
      Object.assign(timings, reuse.pin2vec?.timings ?? {})
      if (corpus.tokens.length > 0 || start) {
        pin2vec = await pin2vecSource(corpus, pinCount, options, log, timings, {
          budget,
          ...(start ? { start, startLabel: reuse.pin2vec!.label } : {}),
          ...(listRows ? { listRows } : {}),
        })
      } else {
        log.info('[train] skipped: no session has two distinct pins')
      }
    }
  }
  return {
    pinCount,
    engagement,
    recentEngagement,
    boardDegree,
    cooc,
    walk,
    session,
    pin2vec,
    sessions,
    stats,
    timings,
  }
}
