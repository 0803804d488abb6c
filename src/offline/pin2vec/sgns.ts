/**
 * @module
 * The skip-gram negative-sampling inner loop over plain typed arrays. tfjs has no sparse
 * embedding update (a gathered gradient becomes a dense vocabulary-sized sum), so training runs
 * here, on the calling thread or in a worker over shared tables, and tfjs gets the result.
 */

import { createRandom } from '../../core/random'
import { instantiateKernel, type KernelSpec } from './kernel'
import { EXP_TABLE_SIZE, MAX_EXP } from './tables'

/** Everything the loop reads or writes; in workers the arrays live on SharedArrayBuffers. */
export type SgnsTables = {
  /** Input vectors [vocabSize * dims]: the embeddings. */
  syn0: Float32Array
  /** Output (context) vectors [vocabSize * dims]. */
  syn1: Float32Array
  tokens: Int32Array
  offsets: Int32Array
  /** The JS loop's cumulative unigram table; empty when the kernel (with its alias table) trains. */
  negTable: Int32Array
  /** Keep probability per token; 0 drops the token (untrained). */
  keep: Float64Array
  sigmoid: Float64Array
  /** When set, syn0/syn1 live in this wasm memory and the SIMD kernel runs each session's window loop. */
  kernel?: KernelSpec
}

export type SgnsParams = {
  dims: number
  window: number
  negatives: number
  epochs: number
  learningRate: number
  seed: number
  /** Sessions [sessionStart, sessionEnd) belong to this run. */
  sessionStart: number
  sessionEnd: number
  /** Kept-before-subsampling tokens in the range, per epoch: the denominator of the LR decay. */
  words: number
  /** Thread index: picks the kernel's scratch slot. */
  thread?: number
}

/** Layout of the stats Float64Array: four totals, then three slots per epoch. */
export const STAT_WORDS = 0
export const STAT_PAIRS = 1
export const STAT_EPOCHS_DONE = 2
/** Tokens left after subsampling: gensim's "effective words", the base of the peer comparison. */
export const STAT_KEPT = 3
export const STATS_HEAD = 4
export const statsLength = (epochs: number): number => STATS_HEAD + 3 * epochs
/** Per-epoch slots: sampled loss sum, sampled pair count, pairs. */
export const epochSlot = (epoch: number): number => STATS_HEAD + 3 * epoch

/** word2vec recomputes the learning rate every 10,000 words; progress ticks ride along. */
const WORDS_PER_TICK = 10_000
/** The JS loop estimates the loss on one pair in LOSS_SAMPLE_EVERY (a power of two); the kernel on all. */
const LOSS_SAMPLE_EVERY = 8

/** -log(sigmoid(-x)) without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))
}

/**
 * Train all epochs over one session range, updating syn0/syn1 in place and accumulating into
 * `stats`. Deterministic for a given seed when nothing else writes the tables.
 */
export function runSgns(
  tables: SgnsTables,
  params: SgnsParams,
  stats: Float64Array,
  onTick?: (epoch: number) => void
): void {
  const { syn0, syn1, tokens, offsets, negTable, keep, sigmoid } = tables
  const { dims, window, negatives, epochs, learningRate, sessionStart, sessionEnd, words } = params
  const rng = createRandom(params.seed)
  const tableSize = negTable.length
  const sigScale = EXP_TABLE_SIZE / MAX_EXP / 2
  const minAlpha = learningRate * 1e-4
  const totalWords = epochs * words + 1
  const neu1e = new Float64Array(dims)
  const kernel = tables.kernel ? instantiateKernel(tables.kernel, params.thread ?? 0) : undefined
  kernel?.seed(params.seed >>> 0, 0x5deece66)

  let maxSession = 0
  for (let s = sessionStart; s < sessionEnd; s++) {
    maxSession = Math.max(maxSession, (offsets[s + 1] as number) - (offsets[s] as number))
  }
  // Sized to the longest session, so a session is never split or truncated; with the kernel it is
  // the thread's buffer inside the wasm memory, planned for the corpus's longest session.
  const sen = kernel ? kernel.sen : new Int32Array(maxSession)
  if (sen.length < maxSession) {
    throw new RangeError(
      `pin2vec kernel session buffer holds ${sen.length} tokens, a session has ${maxSession}`
    )
  }

  let wordsDone = 0
  let wordsSinceTick = 0
  let pairs = 0
  let kept = 0
  let alpha = learningRate

  for (let epoch = 0; epoch < epochs; epoch++) {
    const slot = epochSlot(epoch)
    let lossSum = 0
    let lossCount = 0
    let epochPairs = 0
    /** Share progress with the main thread (it reads these slots for the progress line). */
    const publish = (): void => {
      lossSum += kernel?.takeLoss() ?? 0
      stats[STAT_WORDS] = wordsDone
      stats[STAT_PAIRS] = pairs
      stats[STAT_KEPT] = kept
      stats[slot] = lossSum
      stats[slot + 1] = lossCount
      stats[slot + 2] = epochPairs
    }
    for (let s = sessionStart; s < sessionEnd; s++) {
      const end = offsets[s + 1] as number
      let len = 0
      let sessionWords = 0
      for (let i = offsets[s] as number; i < end; i++) {
        const t = tokens[i] as number
        const k = keep[t] as number
        if (k === 0) {
          continue
        }
        sessionWords++
        if (k < 1 && rng.next() >= k) {
          continue
        }
        sen[len++] = t
      }
      kept += len
      if (kernel !== undefined) {
        // One call per run of WORDS_PER_TICK centers: the learning rate steps exactly where the
        // per-pair loop below recomputes it.
        for (let from = 0; from < len; from += WORDS_PER_TICK) {
          alpha = learningRate * (1 - (wordsDone + (sessionWords * from) / len) / totalWords)
          if (alpha < minAlpha) {
            alpha = minAlpha
          }
          const n = kernel.train(
            kernel.senPtr,
            len,
            from,
            Math.min(len, from + WORDS_PER_TICK),
            alpha,
            kernel.scratchPtr
          )
          pairs += n
          epochPairs += n
          lossCount += n
        }
      }
      for (let pos = 0; kernel === undefined && pos < len; pos++) {
        if (pos % WORDS_PER_TICK === 0) {
          // Linear decay on words read (before subsampling), interpolated within long sessions.
          alpha = learningRate * (1 - (wordsDone + (sessionWords * pos) / len) / totalWords)
          if (alpha < minAlpha) {
            alpha = minAlpha
          }
        }
        const word = sen[pos] as number
        const span = window - rng.int(window)
        const lo = Math.max(0, pos - span)
        const hi = pos + span >= len ? len - 1 : pos + span
        for (let c = lo; c <= hi; c++) {
          if (c === pos) {
            continue
          }
          // As in word2vec's skip-gram: the context word's input vector predicts the center.
          const l1 = (sen[c] as number) * dims
          const sampleLoss = (pairs & (LOSS_SAMPLE_EVERY - 1)) === 0
          pairs++
          epochPairs++
          for (let k = 0; k < dims; k++) {
            neu1e[k] = 0
          }
          for (let d = 0; d <= negatives; d++) {
            let target: number
            let label: number
            if (d === 0) {
              target = word
              label = 1
            } else {
              target = negTable[(rng.next() * tableSize) | 0] as number
              if (target === word) {
                continue
              }
              label = 0
            }
            const l2 = target * dims
            let f = 0
            for (let k = 0; k < dims; k++) {
              f += (syn0[l1 + k] as number) * (syn1[l2 + k] as number)
            }
            if (sampleLoss) {
              lossSum += label === 1 ? softplus(-f) : softplus(f)
            }
            let g: number
            if (f > MAX_EXP) {
              g = (label - 1) * alpha
            } else if (f < -MAX_EXP) {
              g = label * alpha
            } else {
              g = (label - (sigmoid[((f + MAX_EXP) * sigScale) | 0] as number)) * alpha
            }
            for (let k = 0; k < dims; k++) {
              neu1e[k]! += g * (syn1[l2 + k] as number)
              syn1[l2 + k]! += g * (syn0[l1 + k] as number)
            }
          }
          if (sampleLoss) {
            lossCount++
          }
          for (let k = 0; k < dims; k++) {
            syn0[l1 + k]! += neu1e[k] as number
          }
        }
      }
      wordsDone += sessionWords
      wordsSinceTick += sessionWords
      if (wordsSinceTick >= WORDS_PER_TICK) {
        wordsSinceTick = 0
        publish()
        onTick?.(epoch)
      }
    }
    publish()
    stats[STAT_EPOCHS_DONE] = epoch + 1
    onTick?.(epoch)
  }
}
