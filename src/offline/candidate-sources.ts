/**
 * @module
 * Computes every candidate source from loaded inputs: board co-occurrence, sessions, Pin2Vec.
 */

import { type BoardSourceStats, computeBoardSources } from './board-graph'
import type { BuildOptions } from './config'
import type { Inputs } from './inputs'
import type { Logger } from './log'
import type { NeighbourLists } from './neighbour-lists'
import { searchNeighbours, trainPin2Vec } from './pin2vec'
import { sessionizeOptions } from './sessions/options'
import { sessionCooccurrence } from './sessions/session-cooc'
import { type SessionStats, type Sessions, sessionCorpus, sessionize } from './sessions/sessionize'

export type Pin2VecSource = {
  lists: NeighbourLists
  /** Row-major [pinCount × dims] float32 vectors; rows with trained[i] = 0 are unused. */
  vectors: Float32Array
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
  }
  timings: Record<string, number>
}

/** The DuckDB engine's stages, loaded only when asked for (the binding is a native module). */
async function runDuckdbStages(inputs: Inputs, options: BuildOptions, log: Logger) {
  const { duckdbSources } = await import('./engines/duckdb/stages')
  return duckdbSources(
    inputs,
    options,
    { memoryLimit: options.engine.duckdbMemoryLimit || undefined },
    log
  )
}

export async function computeSources(
  inputs: Inputs,
  options: BuildOptions,
  log: Logger
): Promise<Sources> {
  const pinCount = inputs.pins.size
  const timings: Record<string, number> = {}
  const stats: Sources['stats'] = {}
  const engagement = new Int32Array(pinCount)
  const boardDegree = new Int32Array(pinCount)
  let cooc: NeighbourLists | null = null
  let walk: NeighbourLists | null = null
  let pin2vec: Pin2VecSource | null = null
  let session: NeighbourLists | null = null
  let sessions: Sessions | null = null
  // Engine hook: with --engine duckdb the two co-occurrence stages run as the SQL of sql/.
  const external =
    options.engine.name === 'duckdb' ? await runDuckdbStages(inputs, options, log) : null

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
    for (const pin of sessions.pins) {
      engagement[pin]!++
    }
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
      const sessionCooc = sessionCooccurrence(sessions, pinCount, {
        ...options.sessionCooc,
        topN: options.topN,
        actionWeight: weights,
      })
      session = sessionCooc.lists
      timings.sessionCooc = doneSessionCooc(
        `${sessionCooc.pairUpdates.toLocaleString('en')} pair updates`
      )
    }

    const corpus = sessionCorpus(sessions)
    if (corpus.tokens.length > 0) {
      const doneTrain = log.step(
        'train',
        `Pin2Vec on ${corpus.tokens.length.toLocaleString('en')} tokens in ${(corpus.offsets.length - 1).toLocaleString('en')} sessions`
      )
      const trained = await trainPin2Vec(
        corpus,
        pinCount,
        { ...options.pin2vec, seed: options.seed },
        log
      )
      timings.train = doneTrain(
        `${trained.pairs.toLocaleString('en')} pairs, ${Math.round(trained.pairsPerSec).toLocaleString('en')} pairs/s`
      )
      const doneKnn = log.step('neighbours', 'cosine top-N (exact, or IVF above 50k pins)')
      const knn = await searchNeighbours(trained.embeddings, trained.trained, options.topN, { log })
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
      pin2vec = {
        lists: { topN: options.topN, indices: knn.indices, scores: knn.scores, counts },
        vectors,
        trained: trained.trained,
        dims,
        lossPerEpoch: trained.lossPerEpoch,
        pairs: trained.pairs,
        pairsPerSec: trained.pairsPerSec,
      }
      timings.neighbours = doneKnn()
    } else {
      log.info('[train] skipped: no session has two distinct pins')
    }
  }
  return {
    pinCount,
    engagement,
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
