import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { createRandom } from '../../src/core/random'
import { silentLogger } from '../../src/offline/log'
import {
  type Corpus,
  loadEmbeddings,
  nearestNeighbours,
  saveEmbeddings,
  trainPin2Vec,
} from '../../src/offline/pin2vec/index'
import {
  ALIAS_ENTRY_INTS,
  buildAliasTable,
  buildNegativeTable,
  countTokens,
  keepProbabilities,
  trainedMask,
} from '../../src/offline/pin2vec/tables'
import { partitionSessions } from '../../src/offline/pin2vec/threads'

const TOPICS = 4
const PER_TOPIC = 25
const VOCAB = TOPICS * PER_TOPIC

/** Sessions that each stay inside one topic: tokens of a topic co-occur, others never do. */
function plantedCorpus(sessions: number, length: number, seed: number): Corpus {
  const rng = createRandom(seed)
  const tokens = new Int32Array(sessions * length)
  const offsets = new Int32Array(sessions + 1)
  for (let s = 0; s < sessions; s++) {
    const topic = rng.int(TOPICS)
    for (let i = 0; i < length; i++) {
      tokens[s * length + i] = topic * PER_TOPIC + rng.int(PER_TOPIC)
    }
    offsets[s + 1] = (s + 1) * length
  }
  return { tokens, offsets }
}

function rows(values: Float32Array, dims: number): Float64Array[] {
  return Array.from({ length: values.length / dims }, (_, i) =>
    Float64Array.from(values.subarray(i * dims, (i + 1) * dims))
  )
}

function cosine(a: Float64Array, b: Float64Array): number {
  let dot = 0
  let na = 0
  let nb = 0
  for (let k = 0; k < a.length; k++) {
    dot += a[k]! * b[k]!
    na += a[k]! * a[k]!
    nb += b[k]! * b[k]!
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb)
}

function topicGap(values: Float32Array, dims: number): { same: number; different: number } {
  const vectors = rows(values, dims)
  let same = 0
  let sameCount = 0
  let different = 0
  let differentCount = 0
  for (let i = 0; i < VOCAB; i++) {
    for (let j = i + 1; j < VOCAB; j++) {
      const c = cosine(vectors[i]!, vectors[j]!)
      if (Math.floor(i / PER_TOPIC) === Math.floor(j / PER_TOPIC)) {
        same += c
        sameCount++
      } else {
        different += c
        differentCount++
      }
    }
  }
  return { same: same / sameCount, different: different / differentCount }
}

const SMALL = { dims: 16, epochs: 5, seed: 7, threads: 1 }

describe('trainPin2Vec', () => {
  it('learns planted topics: same-topic cosine beats cross-topic by more than 0.3', async () => {
    // 8,000 tokens is too few for 1e-3 subsampling (it keeps ~40% of every token), so turn it off.
    const result = await trainPin2Vec(
      plantedCorpus(800, 10, 1),
      VOCAB,
      { ...SMALL, sample: 0 },
      silentLogger
    )
    const { same, different } = topicGap(result.embeddings.dataSync() as Float32Array, SMALL.dims)
    // Measured: same ~0.99, different ~0.34.
    expect(same - different).toBeGreaterThan(0.3)
    const { indices } = nearestNeighbours(result.embeddings, result.trained, 5)
    for (const [n, j] of indices.entries()) {
      expect(Math.floor(j / PER_TOPIC)).toBe(Math.floor(Math.floor(n / 5) / PER_TOPIC))
    }
    expect(result.trained.every((t) => t === 1)).toBe(true)
    expect(result.lossPerEpoch).toHaveLength(SMALL.epochs)
    expect(result.lossPerEpoch.at(-1)!).toBeLessThan(result.lossPerEpoch[0]!)
    expect(result.pairs).toBeGreaterThan(0)
    result.embeddings.dispose()
  })

  it('continues a model: rows the new sessions miss keep their values, new pins get trained', async () => {
    // Topics 0-2 first; then sessions of topic 3 only, plus one session of topic-0 pins.
    const corpus = plantedCorpus(800, 10, 1)
    const keep = (f: (t: number) => boolean) => {
      const tokens: number[] = []
      const offsets = [0]
      for (let s = 0; s + 1 < corpus.offsets.length; s++) {
        const session = Array.from(
          corpus.tokens.subarray(corpus.offsets[s]!, corpus.offsets[s + 1]!)
        )
        if (f(session[0]!)) {
          tokens.push(...session)
          offsets.push(tokens.length)
        }
      }
      return { tokens: Int32Array.from(tokens), offsets: Int32Array.from(offsets) }
    }
    const topicOf = (t: number) => Math.floor(t / PER_TOPIC)
    const first = await trainPin2Vec(
      keep((t) => topicOf(t) < 3),
      VOCAB,
      { ...SMALL, sample: 0 },
      silentLogger
    )
    expect(first.trained.slice(3 * PER_TOPIC).every((t) => t === 0)).toBe(true)
    const firstValues = first.embeddings.dataSync() as Float32Array
    const later = keep((t) => topicOf(t) === 3)
    const start = { vectors: firstValues, outputs: first.outputs!, trained: first.trained }
    const next = await trainPin2Vec(later, VOCAB, { ...SMALL, sample: 0 }, silentLogger, start)
    expect(next.trained.every((t) => t === 1)).toBe(true)
    const values = next.embeddings.dataSync() as Float32Array
    // Topics 0-2 are not in the later sessions: their input rows are exactly the first model's.
    expect(Array.from(values.subarray(0, 3 * PER_TOPIC * SMALL.dims))).toEqual(
      Array.from(firstValues.subarray(0, 3 * PER_TOPIC * SMALL.dims))
    )
    // Topic 3, new, is learned: its pins' nearest neighbours are of topic 3.
    const { indices } = nearestNeighbours(next.embeddings, next.trained, 5)
    for (let t = 3 * PER_TOPIC; t < VOCAB; t++) {
      for (const j of indices.subarray(t * 5, t * 5 + 5)) {
        expect(topicOf(j)).toBe(3)
      }
    }
    tf.dispose([first.embeddings, next.embeddings])
  })

  it('is deterministic for a fixed seed with one thread', async () => {
    const corpus = plantedCorpus(200, 8, 2)
    const a = await trainPin2Vec(corpus, VOCAB, SMALL, silentLogger)
    const b = await trainPin2Vec(corpus, VOCAB, SMALL, silentLogger)
    const c = await trainPin2Vec(corpus, VOCAB, { ...SMALL, seed: 8 }, silentLogger)
    expect(Array.from(a.embeddings.dataSync())).toEqual(Array.from(b.embeddings.dataSync()))
    expect(a.pairs).toBe(b.pairs)
    expect(a.lossPerEpoch).toEqual(b.lossPerEpoch)
    expect(Array.from(a.embeddings.dataSync())).not.toEqual(Array.from(c.embeddings.dataSync()))
    tf.dispose([a.embeddings, b.embeddings, c.embeddings])
  })

  it('gives tokens below minCount an all-zero row and trains long sessions whole', async () => {
    // One 5,000-token session: nothing may be cut off, so every position yields pairs.
    const corpus = plantedCorpus(1, 5000, 3)
    const tokens = Int32Array.from([...corpus.tokens, VOCAB])
    const result = await trainPin2Vec(
      { tokens, offsets: Int32Array.from([0, tokens.length]) },
      VOCAB + 1,
      { ...SMALL, minCount: 2, sample: 0, window: 1, epochs: 1 },
      silentLogger
    )
    expect(result.trained[VOCAB]).toBe(0)
    const values = result.embeddings.dataSync()
    expect(Array.from(values.subarray(VOCAB * SMALL.dims)).every((x) => x === 0)).toBe(true)
    // window 1: each of the 5,000 kept positions pairs with both neighbours, bar the two ends.
    expect(result.pairs).toBe(2 * (5000 - 1))
    result.embeddings.dispose()
  })

  it('trains Hogwild in two worker threads and still learns the topics', async () => {
    const result = await trainPin2Vec(
      plantedCorpus(800, 10, 1),
      VOCAB,
      { ...SMALL, sample: 0, threads: 2 },
      silentLogger
    )
    const { same, different } = topicGap(result.embeddings.dataSync() as Float32Array, SMALL.dims)
    expect(same - different).toBeGreaterThan(0.3)
    // Same subsampling-free corpus and window draws per position: pair counts stay in the same range.
    expect(result.pairs).toBeGreaterThan(0)
    expect(result.lossPerEpoch.every((x) => Number.isFinite(x))).toBe(true)
    result.embeddings.dispose()
  })

  it('rejects tokens outside the vocabulary', async () => {
    const corpus = { tokens: Int32Array.from([0, 5]), offsets: Int32Array.from([0, 2]) }
    await expect(trainPin2Vec(corpus, 5, SMALL, silentLogger)).rejects.toThrow(/outside/)
  })
})

describe('partitionSessions', () => {
  it('splits sessions into contiguous ranges of about equal kept tokens', () => {
    const keep = Float64Array.from([1, 1, 0])
    const offsets = Int32Array.from([0, 4, 6, 10, 12, 12])
    const tokens = Int32Array.from([0, 0, 1, 1, 2, 2, 0, 1, 0, 1, 0, 1])
    const { bounds, words } = partitionSessions({ tokens, offsets, keep }, 2)
    expect(bounds).toEqual([0, 2, 5])
    expect(words).toEqual([4, 6])
    expect(partitionSessions({ tokens, offsets, keep }, 8).bounds).toHaveLength(9)
  })
})

describe('sampling tables', () => {
  it('fills the negative table in proportion to count^0.75 over trained tokens', () => {
    const counts = Float64Array.from([1, 3, 10, 100, 1000, 0])
    const trained = trainedMask(counts, 2)
    const size = 1_000_000
    const table = buildNegativeTable(counts, trained, 0.75, size)
    const observed = new Float64Array(counts.length)
    for (const t of table) {
      observed[t]! += 1 / size
    }
    const total = [3, 10, 100, 1000].reduce((s, c) => s + c ** 0.75, 0)
    expect(observed[0]).toBe(0)
    expect(observed[5]).toBe(0)
    for (const t of [1, 2, 3, 4]) {
      expect(Math.abs(observed[t]! - counts[t]! ** 0.75 / total)).toBeLessThan(1e-5)
    }
  })

  it('builds an alias table whose implied distribution is count^e over trained tokens, to 1e-9', () => {
    const counts = Float64Array.from([1, 3, 10, 100, 1000, 0, 7, 7, 50_000])
    const trained = trainedMask(counts, 2)
    for (const exponent of [0.75, 0.5, 1, 0]) {
      const table = buildAliasTable(counts, trained, exponent)
      const n = table.length / ALIAS_ENTRY_INTS
      expect(n).toBe(7)
      // Exact probability of each id: slot i is picked with 1/n, then its own id with
      // threshold / 2^32 and its alias otherwise.
      const implied = new Float64Array(counts.length)
      for (let i = 0; i < n; i++) {
        const threshold = (table[i * ALIAS_ENTRY_INTS]! >>> 0) / 2 ** 32
        implied[table[i * ALIAS_ENTRY_INTS + 1]!]! += threshold / n
        implied[table[i * ALIAS_ENTRY_INTS + 2]!]! += (1 - threshold) / n
      }
      const ids = [1, 2, 3, 4, 6, 7, 8]
      const total = ids.reduce((s, t) => s + counts[t]! ** exponent, 0)
      expect(implied[0]).toBe(0)
      expect(implied[5]).toBe(0)
      for (const t of ids) {
        expect(Math.abs(implied[t]! - counts[t]! ** exponent / total)).toBeLessThan(1e-9)
      }
    }
  })

  it('keeps occurrences with word2vec subsampling probability', () => {
    const counts = Float64Array.from([1, 50, 5000, 100_000, 0])
    const trained = trainedMask(counts, 1)
    const total = 1 + 50 + 5000 + 100_000
    const sample = 1e-3
    const keep = keepProbabilities(counts, trained, sample)
    for (let t = 0; t < 4; t++) {
      const f = counts[t]!
      const expected = Math.min(1, (Math.sqrt(f / (sample * total)) + 1) * ((sample * total) / f))
      expect(keep[t]).toBeCloseTo(expected, 12)
    }
    expect(keep[3]).toBeLessThan(0.2)
    expect(keep[4]).toBe(0)
    expect(Array.from(keepProbabilities(counts, trained, 0))).toEqual([1, 1, 1, 1, 0])
    expect(Array.from(countTokens(Int32Array.from([2, 0, 2]), 3))).toEqual([1, 0, 2])
  })
})

describe('nearestNeighbours', () => {
  const vocab = 61
  const dims = 8
  const topN = 6
  const rng = createRandom(11)
  const trained = Uint8Array.from({ length: vocab }, (_, i) => (i % 10 === 3 ? 0 : 1))
  const values = Float32Array.from({ length: vocab * dims }, (_, i) =>
    trained[Math.floor(i / dims)] === 1 ? rng.next() * 2 - 1 : 0
  )

  it('matches brute-force cosine, excluding self and untrained rows', () => {
    const embeddings = tf.tensor2d(values, [vocab, dims])
    const { indices, scores } = nearestNeighbours(embeddings, trained, topN, { blockSize: 7 })
    embeddings.dispose()
    const vectors = rows(values, dims)
    for (let i = 0; i < vocab; i++) {
      const got = Array.from(indices.subarray(i * topN, (i + 1) * topN))
      if (trained[i] === 0) {
        expect(got).toEqual(new Array(topN).fill(-1))
        continue
      }
      const expected = vectors
        .map((v, j) => ({ j, score: cosine(vectors[i]!, v) }))
        .filter(({ j }) => j !== i && trained[j] === 1)
        .sort((a, b) => b.score - a.score)
        .slice(0, topN)
      expect(got).toEqual(expected.map((e) => e.j))
      for (const [r, e] of expected.entries()) {
        expect(Math.abs(scores[i * topN + r]! - e.score)).toBeLessThan(1e-5)
      }
    }
  })

  it('pads with -1 when fewer trained rows than topN exist', () => {
    const embeddings = tf.tensor2d([1, 0, 0, 1, 1, 1, 0, 0], [4, 2])
    const { indices } = nearestNeighbours(embeddings, Uint8Array.from([1, 1, 1, 0]), 3)
    embeddings.dispose()
    expect(Array.from(indices.subarray(0, 3))).toEqual([2, 1, -1])
    expect(Array.from(indices.subarray(9, 12))).toEqual([-1, -1, -1])
  })

  it('leaves no tensors behind', () => {
    const embeddings = tf.tensor2d(values, [vocab, dims])
    nearestNeighbours(embeddings, trained, topN, { blockSize: 16 })
    const before = tf.memory().numTensors
    for (let i = 0; i < 3; i++) {
      nearestNeighbours(embeddings, trained, topN, { blockSize: 16 })
    }
    expect(tf.memory().numTensors).toBe(before)
    embeddings.dispose()
  })
})

describe('saveEmbeddings / loadEmbeddings', () => {
  it('round-trips tables, mask and metadata', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pin2vec-'))
    try {
      const result = await trainPin2Vec(
        plantedCorpus(50, 6, 4),
        VOCAB + 3,
        { ...SMALL, minCount: 1 },
        silentLogger
      )
      const path = join(dir, 'emb.p2v')
      await saveEmbeddings(result, path)
      const loaded = await loadEmbeddings(path)
      expect(loaded.embeddings.shape).toEqual([VOCAB + 3, SMALL.dims])
      expect(Array.from(loaded.embeddings.dataSync())).toEqual(
        Array.from(result.embeddings.dataSync())
      )
      expect(Array.from(loaded.trained)).toEqual(Array.from(result.trained))
      expect(loaded.lossPerEpoch).toEqual(result.lossPerEpoch)
      expect(loaded.pairs).toBe(result.pairs)
      expect(loaded.pairsPerSec).toBe(result.pairsPerSec)
      tf.dispose([result.embeddings, loaded.embeddings])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
