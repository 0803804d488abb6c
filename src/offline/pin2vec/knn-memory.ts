/**
 * @module
 * Memory estimate of the neighbour search, checked before its big arrays are allocated so a build
 * that cannot fit stops with a message instead of a V8 heap crash.
 */

import { freemem } from 'node:os'
import { BuildError } from '../errors'
import { MAX_BLOCK_FLOATS } from './knn-exact'

export type KnnMemoryInput = {
  /** Embedding rows (the vocabulary) and trained rows among them. */
  vocabSize: number
  rows: number
  dims: number
  topN: number
  /** 0 for the exact search. */
  probes: number
  threads: number
}

/**
 * Bytes the search holds at its peak: the tfjs copy of the table and the compact unit rows, the
 * output lists, the IVF probe table and list CSRs (about three int32 per probe), and per thread
 * one score block and its wasm copy.
 */
export function estimateKnnBytes(input: KnnMemoryInput): number {
  const { vocabSize, rows, dims, topN, probes, threads } = input
  const tables = vocabSize * dims * 4 + rows * (dims * 4 + 4)
  const outputs = vocabSize * topN * 8
  const ivf = probes > 0 ? rows * (probes * 12 + 12) : 0
  const perThread = MAX_BLOCK_FLOATS * 4 * 2 + 64 * 2 ** 20
  return tables + outputs + ivf + perThread * Math.max(1, threads)
}

/**
 * Throw when the estimate exceeds `maxBytes` (default: the memory the OS reports available).
 */
export function checkKnnMemory(input: KnnMemoryInput, maxBytes?: number): number {
  const need = estimateKnnBytes(input)
  const limit = maxBytes ?? freemem()
  if (need > limit) {
    const gib = (b: number): string => `${(b / 2 ** 30).toFixed(2)} GiB`
    throw new BuildError(
      'neighbours',
      `neighbour search over ${input.rows.toLocaleString('en')} rows x ${input.dims} dims, top ${input.topN}` +
        `${input.probes > 0 ? `, ${input.probes} probes` : ''} needs about ${gib(need)}, but only ${gib(limit)} ` +
        `${maxBytes === undefined ? 'is available' : 'is allowed'}: lower topN or probes, use fewer dims, or free memory`
    )
  }
  return need
}
