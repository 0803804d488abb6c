/**
 * @module
 * Cosine nearest neighbours over the embedding table: exact blocked matMul of L2-normalised rows
 * (tfjs, on the wasm backend when it loads) with top-k selection on plain arrays, or an IVF index
 * (knn-ivf.ts) when the vocabulary is too large for an exact all-pairs pass in a build, on one
 * thread (nearestNeighbours) or several (searchNeighbours).
 */

import { availableParallelism } from 'node:os'
import type * as tf from '@tensorflow/tfjs'
import { type Logger, silentLogger } from '../log'
import { withFastBackend } from './backend'
import { exactSearch, gatherRows, normalisedRows } from './knn-exact'
import { type IvfOptions, ivfNeighbours, resolveIvfPlan } from './knn-ivf'
import { checkKnnMemory } from './knn-memory'
import { ivfNeighboursParallel } from './knn-parallel'

/**
 * Above this many trained rows 'auto' switches to IVF: exact is O(n^2 d), measured ~5 GFLOP/s on
 * one core with the wasm backend: 62 s at 50k rows, so ~4 min at 100k and ~7 h at 1M; IVF took
 * 8.8 s at 50k (see docs/benchmarks.md).
 */
export const EXACT_MAX_ROWS = 50_000

export type Neighbours = {
  /** [vocabSize * topN] neighbour indices, best first; -1 where a row has fewer than topN. */
  indices: Int32Array
  /** [vocabSize * topN] cosine similarities; 0 where the index is -1. */
  scores: Float32Array
}

export type NeighbourOptions = {
  /** Query rows per matMul block (default: fit MAX_BLOCK_FLOATS, at most 1024). */
  blockSize?: number
  /** 'auto' (default) is exact up to EXACT_MAX_ROWS trained rows, IVF above. */
  method?: 'auto' | 'exact' | 'ivf'
  ivf?: IvfOptions
  /**
   * Worker threads for the IVF search (searchNeighbours only; default min(2, cores)). The lists
   * are the same for any thread count: each query's list is filled in the same order from the
   * same float scores, only by a different thread.
   */
  threads?: number
  /** Progress lines for long searches (default silent). */
  log?: Logger
  /** Fail before allocating when the estimate exceeds this (default: available memory). */
  maxMemoryBytes?: number
  /**
   * [vocabSize] 1 for the rows whose lists are wanted (default every trained row); the others get
   * none but still appear in the wanted rows' lists. The blend fit needs only its query pins.
   */
  queryRows?: Uint8Array
}

/** Row positions (indices into rows.ids) that are queries, or undefined for all. */
function queryPositions(ids: Int32Array, queryRows?: Uint8Array): Uint8Array | undefined {
  return queryRows ? Uint8Array.from(ids, (id) => (queryRows[id] === 1 ? 1 : 0)) : undefined
}

type Plan = {
  useIvf: boolean
  count: number
}

function validate(embeddings: tf.Tensor2D, trained: Uint8Array, topN: number): void {
  const [vocabSize] = embeddings.shape
  if (trained.length !== vocabSize) {
    throw new RangeError(`trained has ${trained.length} entries for ${vocabSize} embedding rows`)
  }
  if (!Number.isInteger(topN) || topN < 1) {
    throw new RangeError(`topN must be a positive integer, got ${topN}`)
  }
}

function plan(trained: Uint8Array, options?: NeighbourOptions): Plan {
  const count = trained.reduce((n, x) => n + x, 0)
  const method = options?.method ?? 'auto'
  return { count, useIvf: method === 'ivf' || (method === 'auto' && count > EXACT_MAX_ROWS) }
}

function checkMemory(
  embeddings: tf.Tensor2D,
  topN: number,
  p: Plan,
  threads: number,
  options?: NeighbourOptions
): void {
  const [vocabSize, dims] = embeddings.shape
  checkKnnMemory(
    {
      vocabSize,
      rows: p.count,
      dims,
      topN,
      probes: p.useIvf ? resolveIvfPlan(p.count, options?.ivf).probes : 0,
      threads,
    },
    options?.maxMemoryBytes
  )
}

/** Progress of a single-thread search, in query-list visits (IVF) or query rows (exact). */
function visitCounter(log: Logger, total: number): (n: number) => void {
  let done = 0
  const started = performance.now()
  return (n) => {
    done += n
    const seconds = (performance.now() - started) / 1000
    const rate = done / Math.max(seconds, 1e-9)
    log.progress(
      'neighbours',
      `searched ${done.toLocaleString('en')}/${total.toLocaleString('en')} query-list visits, ` +
        `${Math.round(rate).toLocaleString('en')}/s, ETA ${((total - done) / Math.max(rate, 1e-9)).toFixed(0)} s`,
      done === total
    )
  }
}

/**
 * Top-`topN` cosine neighbours of every trained row among the other trained rows, on the calling
 * thread. Untrained rows get no neighbours and are never returned as one; a row is never its own
 * neighbour.
 */
export function nearestNeighbours(
  embeddings: tf.Tensor2D,
  trained: Uint8Array,
  topN: number,
  options?: NeighbourOptions
): Neighbours {
  validate(embeddings, trained, topN)
  const [vocabSize] = embeddings.shape
  const p = plan(trained, options)
  if (p.count >= 2) {
    checkMemory(embeddings, topN, p, 1, options)
  }
  const indices = new Int32Array(vocabSize * topN).fill(-1)
  const scores = new Float32Array(vocabSize * topN)
  if (p.count < 2) {
    return { indices, scores }
  }
  const rows = normalisedRows(embeddings, trained)
  const log = options?.log ?? silentLogger
  withFastBackend(() => {
    if (p.useIvf) {
      const probes = resolveIvfPlan(p.count, options?.ivf).probes
      const queries = queryPositions(rows.ids, options?.queryRows)
      const visits = queries ? queries.reduce((a, q) => a + q, 0) * probes : p.count * probes
      ivfNeighbours(rows, topN, indices, scores, options?.ivf, visitCounter(log, visits), queries)
    } else if (options?.queryRows) {
      const wanted = options.queryRows
      const positions = rows.ids.map((_, pos) => pos).filter((pos) => wanted[rows.ids[pos]!] === 1)
      const ids = positions.map((pos) => rows.ids[pos]!)
      const values = gatherRows(rows.values, rows.dims, positions)
      exactSearch(rows, values, ids, ids, topN, indices, scores, options.blockSize)
    } else {
      exactSearch(rows, rows.values, rows.ids, rows.ids, topN, indices, scores, options?.blockSize)
    }
  })
  return { indices, scores }
}

/**
 * nearestNeighbours on `options.threads` worker threads when the IVF search runs (the exact
 * search, for small catalogs, stays on the calling thread). Same lists as nearestNeighbours.
 */
export async function searchNeighbours(
  embeddings: tf.Tensor2D,
  trained: Uint8Array,
  topN: number,
  options?: NeighbourOptions
): Promise<Neighbours> {
  validate(embeddings, trained, topN)
  const p = plan(trained, options)
  const threads = Math.max(1, Math.floor(options?.threads ?? Math.min(2, availableParallelism())))
  if (!p.useIvf || threads === 1 || p.count < 2) {
    return nearestNeighbours(embeddings, trained, topN, options)
  }
  checkMemory(embeddings, topN, p, threads, options)
  const [vocabSize] = embeddings.shape
  const indices = new Int32Array(new SharedArrayBuffer(vocabSize * topN * 4)).fill(-1)
  const scores = new Float32Array(new SharedArrayBuffer(vocabSize * topN * 4))
  const rows = normalisedRows(embeddings, trained, true)
  const queries = queryPositions(rows.ids, options?.queryRows)
  await ivfNeighboursParallel(rows, topN, indices, scores, {
    plan: resolveIvfPlan(p.count, options?.ivf),
    threads,
    log: options?.log ?? silentLogger,
    ...(queries ? { queries } : {}),
  })
  return { indices, scores }
}
