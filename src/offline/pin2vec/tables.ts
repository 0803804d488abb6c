/**
 * @module
 * The lookup tables word2vec precomputes before training: token counts, the unigram^e
 * negative-sampling table, subsampling keep probabilities and the sigmoid table.
 */

import { BuildError } from '../errors'

/** CSR sessions: session s is tokens[offsets[s] .. offsets[s + 1]); tokens are dense pin indices. */
export type Corpus = { tokens: Int32Array; offsets: Int32Array }

/** word2vec's sigmoid table resolution: sigma(x) for x in [-MAX_EXP, MAX_EXP] in EXP_TABLE_SIZE steps. */
export const MAX_EXP = 6
export const EXP_TABLE_SIZE = 1000

/** Reject corpora whose offsets or tokens would make the typed-array loop read out of bounds. */
export function validateCorpus(corpus: Corpus, vocabSize: number): void {
  const { tokens, offsets } = corpus
  if (!Number.isInteger(vocabSize) || vocabSize < 1) {
    throw new BuildError('train', `pin2vec vocabSize must be a positive integer, got ${vocabSize}`)
  }
  if (offsets.length < 1 || offsets[0] !== 0 || offsets[offsets.length - 1] !== tokens.length) {
    throw new BuildError(
      'train',
      `pin2vec corpus offsets must start at 0 and end at tokens.length (${tokens.length})`
    )
  }
  for (let s = 1; s < offsets.length; s++) {
    if ((offsets[s] as number) < (offsets[s - 1] as number)) {
      throw new BuildError('train', `pin2vec corpus offsets decrease at session ${s - 1}`)
    }
  }
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as number
    if (t < 0 || t >= vocabSize) {
      throw new BuildError(
        'train',
        `pin2vec token ${t} at position ${i} is outside [0, ${vocabSize})`
      )
    }
  }
}

export function countTokens(tokens: Int32Array, vocabSize: number): Float64Array {
  const counts = new Float64Array(vocabSize)
  for (let i = 0; i < tokens.length; i++) {
    counts[tokens[i] as number]! += 1
  }
  return counts
}

/** 1 for tokens with count >= minCount: the rows that get an embedding. */
export function trainedMask(counts: Float64Array, minCount: number): Uint8Array {
  const trained = new Uint8Array(counts.length)
  for (let t = 0; t < counts.length; t++) {
    trained[t] = (counts[t] as number) >= minCount ? 1 : 0
  }
  return trained
}

/** word2vec's table size (1e8) is sized for text vocabularies; ~100 slots per token resolves ours as well. */
export function negativeTableSize(trainedCount: number): number {
  return Math.max(1, Math.min(10_000_000, trainedCount * 100))
}

/** Trained token ids and Σ count^exponent over them: the normaliser of the negative distribution. */
function trainedPowers(
  counts: Float64Array,
  trained: Uint8Array,
  exponent: number
): { ids: number[]; powTotal: number } {
  const ids: number[] = []
  let powTotal = 0
  for (let t = 0; t < counts.length; t++) {
    if (trained[t] === 1) {
      ids.push(t)
      powTotal += (counts[t] as number) ** exponent
    }
  }
  return { ids, powTotal }
}

/**
 * The negative-sampling table: token t fills a share of slots proportional to count[t]^exponent,
 * built with word2vec's cumulative walk (InitUnigramTable) over trained tokens in index order.
 */
export function buildNegativeTable(
  counts: Float64Array,
  trained: Uint8Array,
  exponent: number,
  size = negativeTableSize(trained.reduce((n, x) => n + x, 0))
): Int32Array {
  const { ids, powTotal } = trainedPowers(counts, trained, exponent)
  const table = new Int32Array(size)
  if (ids.length === 0) {
    return table.fill(-1)
  }
  let i = 0
  let cumulative = (counts[ids[0] as number] as number) ** exponent / powTotal
  for (let a = 0; a < size; a++) {
    table[a] = ids[i] as number
    if ((a + 1) / size > cumulative && i < ids.length - 1) {
      i++
      cumulative += (counts[ids[i] as number] as number) ** exponent / powTotal
    }
  }
  return table
}

/** Int32 slots per alias-table entry: u32 threshold (as its bit pattern), own id, alias id. */
export const ALIAS_ENTRY_INTS = 3

/**
 * The same unigram^exponent distribution as buildNegativeTable, as a Walker/Vose alias table over
 * trained tokens: slot i (picked uniformly) yields its own id when a uniform u32 is below its
 * threshold, else its alias id. Exact to 2^-32 per slot, and 12 bytes per trained token instead of
 * ~400: at 50k pins 600 KB stays in L2, where the 20 MB cumulative table missed on every draw.
 */
export function buildAliasTable(
  counts: Float64Array,
  trained: Uint8Array,
  exponent: number
): Int32Array {
  const { ids, powTotal } = trainedPowers(counts, trained, exponent)
  const n = ids.length
  const table = new Int32Array(Math.max(1, n) * ALIAS_ENTRY_INTS)
  if (n === 0) {
    return table.fill(-1)
  }
  // Scaled probabilities n * p_i; Vose: pair each under-full slot with an over-full donor.
  const scaled = Float64Array.from(ids, (t) => ((counts[t] as number) ** exponent / powTotal) * n)
  const small: number[] = []
  const large: number[] = []
  for (let i = 0; i < n; i++) {
    ;((scaled[i] as number) < 1 ? small : large).push(i)
  }
  const write = (i: number, threshold: number, alias: number): void => {
    table[i * ALIAS_ENTRY_INTS] = threshold | 0
    table[i * ALIAS_ENTRY_INTS + 1] = ids[i] as number
    table[i * ALIAS_ENTRY_INTS + 2] = ids[alias] as number
  }
  while (small.length > 0 && large.length > 0) {
    const s = small.pop() as number
    const l = large[large.length - 1] as number
    write(s, Math.round((scaled[s] as number) * 2 ** 32), l)
    scaled[l] = (scaled[l] as number) + (scaled[s] as number) - 1
    if ((scaled[l] as number) < 1) {
      large.pop()
      small.push(l)
    }
  }
  // Leftovers are full up to rounding: always themselves (u32 < 2^32 - 1 fails once in 2^32, and
  // the alias is themselves too).
  for (const i of [...small, ...large]) {
    write(i, 0xffffffff, i)
  }
  return table
}

/**
 * Probability of keeping each occurrence of a token (word2vec's subsampling of frequent tokens):
 * (sqrt(f / (sample * total)) + 1) * (sample * total) / f, capped at 1; 0 for untrained tokens so
 * they drop out of sessions before windowing, as unknown words do in word2vec.
 */
export function keepProbabilities(
  counts: Float64Array,
  trained: Uint8Array,
  sample: number
): Float64Array {
  let total = 0
  for (let t = 0; t < counts.length; t++) {
    if (trained[t] === 1) {
      total += counts[t] as number
    }
  }
  const keep = new Float64Array(counts.length)
  const threshold = sample * total
  for (let t = 0; t < counts.length; t++) {
    if (trained[t] !== 1) {
      continue
    }
    const f = counts[t] as number
    keep[t] = sample > 0 ? Math.min(1, ((Math.sqrt(f / threshold) + 1) * threshold) / f) : 1
  }
  return keep
}

/** softplus(x) = -log(sigmoid(-x)) on the sigmoid table's grid (one spare entry): the kernel's loss estimate. */
export function buildSoftplusTable(): Float64Array {
  const table = new Float64Array(EXP_TABLE_SIZE + 1)
  for (let i = 0; i <= EXP_TABLE_SIZE; i++) {
    const x = ((i / EXP_TABLE_SIZE) * 2 - 1) * MAX_EXP
    table[i] = x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))
  }
  return table
}

/** sigma(x) sampled like word2vec's expTable: entry i is for x = (i / EXP_TABLE_SIZE * 2 - 1) * MAX_EXP. */
export function buildSigmoidTable(): Float64Array {
  const table = new Float64Array(EXP_TABLE_SIZE)
  for (let i = 0; i < EXP_TABLE_SIZE; i++) {
    const e = Math.exp(((i / EXP_TABLE_SIZE) * 2 - 1) * MAX_EXP)
    table[i] = e / (e + 1)
  }
  return table
}
