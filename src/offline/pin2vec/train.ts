/**
 * @module
 * trainPin2Vec: word2vec skip-gram with negative sampling over engagement sessions. The loop runs
 * on typed arrays (see sgns.ts); tfjs receives the finished input table as the embeddings.
 */

import * as tf from '@tensorflow/tfjs'
import { createRandom } from '../../core/random'
import type { Logger } from '../log'
import { prepareWasmBackend } from './backend'
import { frequencyOrder, rankCorpus, rowsToTokenOrder, toRankOrder } from './frequency-order'
import { createKernelSpec, kernelViews, planKernel } from './kernel'
import { type Pin2VecOptions, resolvePin2VecOptions } from './options'
import { createProgressReporter, lossPerEpoch } from './progress'
import { runSgns, type SgnsTables, STAT_KEPT, STAT_PAIRS, statsLength } from './sgns'
import {
  buildAliasTable,
  buildNegativeTable,
  buildSigmoidTable,
  buildSoftplusTable,
  type Corpus,
  countTokens,
  EXP_TABLE_SIZE,
  keepProbabilities,
  trainedMask,
  validateCorpus,
} from './tables'
import { trainInWorkers } from './threads'

export type Pin2VecResult = {
  /** [vocabSize, dims] input vectors; rows of tokens below minCount are all zero. */
  embeddings: tf.Tensor2D
  /** 1 when the row has an embedding. */
  trained: Uint8Array
  /** Mean SGNS loss per (center, context) pair, estimated on a sample of pairs. */
  lossPerEpoch: number[]
  /** Total (center, context) training pairs processed. */
  pairs: number
  /** Tokens trained on after subsampling, summed over epochs (gensim's "effective words"). */
  effectiveWords: number
  seconds: number
  pairsPerSec: number
  /**
   * [vocabSize * dims] output (context) vectors in pin order: what continuing the training needs.
   * Absent for embeddings loaded from a file (io.ts keeps only the input vectors).
   */
  outputs?: Float32Array
}

/**
 * A model to continue training from (pin order, same vocabulary): its rows start where they
 * ended instead of at word2vec's initialisation, and rows it trained stay trained.
 */
export type Pin2VecStart = {
  vectors: Float32Array
  outputs: Float32Array
  trained: Uint8Array
}

/** Seed of the loop's generator for thread `thread`, kept apart from the initialisation seed. */
export function loopSeed(seed: number, thread: number): number {
  return (Math.imul(thread + 1, 0x9e3779b9) + seed) >>> 0
}

/** word2vec's initialisation: input rows uniform in [-0.5, 0.5) / dims, output rows zero. */
function initInputTable(syn0: Float32Array, trained: Uint8Array, dims: number, seed: number): void {
  const rng = createRandom(seed)
  for (let t = 0; t < trained.length; t++) {
    if (trained[t] !== 1) {
      continue
    }
    for (let k = 0; k < dims; k++) {
      syn0[t * dims + k] = (rng.next() - 0.5) / dims
    }
  }
}

/** Rows the starting model trained take its values (both tables), at their rank positions. */
function copyStart(tables: SgnsTables, start: Pin2VecStart, tokenAt: Int32Array, dims: number) {
  for (let r = 0; r < tokenAt.length; r++) {
    const t = tokenAt[r] as number
    if (start.trained[t] === 1) {
      tables.syn0.set(start.vectors.subarray(t * dims, (t + 1) * dims), r * dims)
      tables.syn1.set(start.outputs.subarray(t * dims, (t + 1) * dims), r * dims)
    }
  }
}

function float32(length: number, shared: boolean): Float32Array {
  return shared ? new Float32Array(new SharedArrayBuffer(length * 4)) : new Float32Array(length)
}

export async function trainPin2Vec(
  pinCorpus: Corpus,
  vocabSize: number,
  options: Partial<Pin2VecOptions>,
  log: Logger,
  start?: Pin2VecStart
): Promise<Pin2VecResult> {
  const opts = resolvePin2VecOptions(options)
  validateCorpus(pinCorpus, vocabSize)
  if (start && start.trained.length !== vocabSize) {
    throw new RangeError(`the model to continue has ${start.trained.length} rows, not ${vocabSize}`)
  }
  // The wasm backend is readied here so the synchronous neighbour search can use it.
  await prepareWasmBackend()
  const sessions = pinCorpus.offsets.length - 1
  const done = log.step(
    'train',
    `pin2vec: ${sessions} sessions, ${pinCorpus.tokens.length} tokens, vocab ${vocabSize}, dims ${opts.dims}, ` +
      `window ${opts.window}, negatives ${opts.negatives}, epochs ${opts.epochs}, threads ${opts.threads}, kernel ${opts.kernel}`
  )

  // Everything below runs on rows in frequency order (frequency-order.ts); the result is in pin order.
  const pinCounts = countTokens(pinCorpus.tokens, vocabSize)
  const order = frequencyOrder(pinCounts)
  const corpus = rankCorpus(pinCorpus, order)
  const counts = toRankOrder(pinCounts, order)
  const trained = trainedMask(counts, opts.minCount)
  let words = 0
  for (let t = 0; t < vocabSize; t++) {
    words += trained[t] === 1 ? (counts[t] as number) : 0
  }
  const trainedCount = trained.reduce((n, x) => n + x, 0)
  const sigmoid = buildSigmoidTable()
  let maxSession = 0
  for (let s = 0; s < sessions; s++) {
    maxSession = Math.max(
      maxSession,
      (corpus.offsets[s + 1] as number) - (corpus.offsets[s] as number)
    )
  }
  const layout =
    opts.kernel === 'wasm'
      ? planKernel({
          dims: opts.dims,
          vocabSize,
          negatives: opts.negatives,
          window: opts.window,
          aliasSize: Math.max(1, trainedCount),
          threads: opts.threads,
          maxSession,
        })
      : null
  const kernel = layout ? createKernelSpec(layout) : undefined
  // The kernel samples negatives from an alias table; only the JS loop needs the cumulative table.
  const negTable = kernel ? new Int32Array(0) : buildNegativeTable(counts, trained, opts.nsExponent)
  // With the kernel the weight tables are views of its (shared) wasm memory; else JS arrays.
  const shared = opts.threads > 1 || kernel !== undefined
  const views = kernel ? kernelViews(kernel) : undefined
  if (views) {
    views.alias.set(buildAliasTable(counts, trained, opts.nsExponent))
    views.sigmoid.set(sigmoid)
    // word2vec's expTable has one spare entry: f just below MAX_EXP can index EXP_TABLE_SIZE.
    views.sigmoid[EXP_TABLE_SIZE] = sigmoid[EXP_TABLE_SIZE - 1] as number
    views.softplus.set(buildSoftplusTable())
  }
  const tables: SgnsTables = {
    syn0: views?.syn0 ?? float32(vocabSize * opts.dims, shared),
    syn1: views?.syn1 ?? float32(vocabSize * opts.dims, shared),
    tokens: corpus.tokens,
    offsets: corpus.offsets,
    negTable,
    keep: keepProbabilities(counts, trained, opts.sample),
    sigmoid,
    ...(kernel ? { kernel } : {}),
  }
  initInputTable(tables.syn0, trained, opts.dims, opts.seed)
  if (start) {
    copyStart(tables, start, order.tokenAt, opts.dims)
  }

  const startMs = performance.now()
  let stats: Float64Array[]
  if (opts.threads === 1) {
    stats = [new Float64Array(statsLength(opts.epochs))]
    const reporter = createProgressReporter(log, stats, opts.epochs, words, startMs)
    runSgns(
      tables,
      {
        ...opts,
        thread: 0,
        sessionStart: 0,
        sessionEnd: sessions,
        words,
        seed: loopSeed(opts.seed, 0),
      },
      stats[0] as Float64Array,
      () => reporter.tick()
    )
  } else {
    stats = await trainInWorkers(tables, opts, words, log, startMs, loopSeed)
  }
  const seconds = (performance.now() - startMs) / 1000
  const pairs = stats.reduce((total, s) => total + (s[STAT_PAIRS] as number), 0)
  const effectiveWords = stats.reduce((total, s) => total + (s[STAT_KEPT] as number), 0)
  const pairsPerSec = pairs / Math.max(seconds, 1e-9)

  // A fresh array in pin order: a tensor may keep the array it was built from, so tfjs never gets
  // the shared buffer.
  const embeddings = tf.tensor2d(rowsToTokenOrder(tables.syn0, opts.dims, order), [
    vocabSize,
    opts.dims,
  ])
  const losses = lossPerEpoch(stats, opts.epochs)
  done(
    `pin2vec: ${pairs} pairs, ${Math.round(pairsPerSec)} pairs/s, ` +
      `${trainedCount}/${vocabSize} embedded, final loss ${losses.at(-1)?.toFixed(4)}`
  )
  const pinTrained = trainedMask(pinCounts, opts.minCount)
  if (start) {
    for (let t = 0; t < vocabSize; t++) {
      pinTrained[t] = (pinTrained[t] as number) | (start.trained[t] as number)
    }
  }
  return {
    embeddings,
    outputs: rowsToTokenOrder(tables.syn1, opts.dims, order),
    trained: pinTrained,
    lossPerEpoch: losses,
    pairs,
    effectiveWords,
    seconds,
    pairsPerSec,
  }
}
