import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { createRandom } from '../../src/core/random'
import { silentLogger } from '../../src/offline/log'
import {
  nearestNeighbours,
  prepareWasmBackend,
  recallAgainstExact,
  trainPin2Vec,
} from '../../src/offline/pin2vec/index'
import {
  createKernelSpec,
  instantiateKernel,
  kernelViews,
  planKernel,
} from '../../src/offline/pin2vec/kernel'
import {
  buildAliasTable,
  buildSigmoidTable,
  buildSoftplusTable,
  EXP_TABLE_SIZE,
  trainedMask,
} from '../../src/offline/pin2vec/tables'

describe('wasm SGNS kernel', () => {
  it('matches the scalar word2vec update for one positive pair', () => {
    const dims = 8
    const layout = planKernel({
      dims,
      vocabSize: 4,
      negatives: 0,
      window: 1,
      aliasSize: 4,
      threads: 1,
      maxSession: 4,
    })!
    const spec = createKernelSpec(layout)
    const views = kernelViews(spec)
    views.sigmoid.set(buildSigmoidTable())
    views.sigmoid[EXP_TABLE_SIZE] = views.sigmoid[EXP_TABLE_SIZE - 1]!
    const rng = createRandom(5)
    for (let i = 0; i < views.syn0.length; i++) {
      views.syn0[i] = rng.next() - 0.5
      views.syn1[i] = rng.next() - 0.5
    }
    const x = views.syn0.slice(2 * dims, 3 * dims)
    const y = views.syn1.slice(1 * dims, 2 * dims)
    const f = x.reduce((s, v, k) => s + v * y[k]!, 0)
    const g = (1 - 1 / (1 + Math.exp(-f))) * 0.1
    const kernel = instantiateKernel(spec, 0)
    kernel.pair(2, 1, 0.1, kernel.scratchPtr)
    expect(kernel.scratch[0]).toBeCloseTo(f, 5)
    for (let k = 0; k < dims; k++) {
      // The sigmoid table has 1/83 resolution in x, so g agrees to ~1e-3 relative.
      expect(views.syn1[dims + k]).toBeCloseTo(y[k]! + g * x[k]!, 3)
      expect(views.syn0[2 * dims + k]).toBeCloseTo(x[k]! + g * y[k]!, 3)
    }
  })

  it('draws negatives from the alias table with unigram^0.75 frequencies', () => {
    // Row t's syn1 is the one-hot e_t and syn0 is zero, so a pair at alpha 1 adds
    // (label - 0.5) * e_target to the context row: the row counts every draw of every target.
    const counts = Float64Array.from([1, 3, 10, 100, 1000, 0])
    const trained = trainedMask(counts, 2)
    const dims = 8
    const negatives = 50
    const layout = planKernel({
      dims,
      vocabSize: 6,
      negatives,
      window: 1,
      aliasSize: 4,
      threads: 1,
      maxSession: 2,
    })!
    const spec = createKernelSpec(layout)
    const views = kernelViews(spec)
    views.sigmoid.set(buildSigmoidTable())
    views.softplus.set(buildSoftplusTable())
    views.alias.set(buildAliasTable(counts, trained, 0.75))
    for (let t = 0; t < 6; t++) {
      views.syn1[t * dims + t] = 1
    }
    const kernel = instantiateKernel(spec, 0)
    kernel.seed(123, 456)
    const draws = new Float64Array(6)
    const rounds = 4000
    for (let r = 0; r < rounds; r++) {
      views.syn0.fill(0, 0, dims)
      kernel.pair(0, 5, 1, kernel.scratchPtr)
      for (let t = 0; t < 5; t++) {
        // Every negative adds -0.5 to its coordinate; the positive (5, untrained) is outside dims 0..4.
        draws[t]! += Math.round(-views.syn0[t]! / 0.5)
      }
    }
    const total = [3, 10, 100, 1000].reduce((s, c) => s + c ** 0.75, 0)
    const n = rounds * negatives
    expect(draws[0]).toBe(0)
    for (const t of [1, 2, 3, 4]) {
      const p = counts[t]! ** 0.75 / total
      // Within 5 binomial standard deviations.
      expect(Math.abs(draws[t]! / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n))
    }
    expect(draws.slice(1, 5).reduce((a, b) => a + b, 0)).toBe(n)
  })

  it('is not planned for dims that are not a multiple of 4', () => {
    expect(
      planKernel({
        dims: 6,
        vocabSize: 10,
        negatives: 5,
        window: 5,
        aliasSize: 10,
        threads: 1,
        maxSession: 10,
      })
    ).toBeNull()
  })

  it('js and wasm kernels learn the same planted topics', async () => {
    const rng = createRandom(1)
    const sessions = 600
    const tokens = new Int32Array(sessions * 10)
    const offsets = Int32Array.from({ length: sessions + 1 }, (_, s) => s * 10)
    for (let s = 0; s < sessions; s++) {
      const topic = rng.int(4)
      for (let i = 0; i < 10; i++) {
        tokens[s * 10 + i] = topic * 25 + rng.int(25)
      }
    }
    for (const kernel of ['js', 'wasm'] as const) {
      const result = await trainPin2Vec(
        { tokens, offsets },
        100,
        { dims: 16, epochs: 5, seed: 7, sample: 0, kernel },
        silentLogger
      )
      const { indices } = nearestNeighbours(result.embeddings, result.trained, 5)
      const sameTopic = Array.from(indices).filter(
        (j, n) => Math.floor(j / 25) === Math.floor(Math.floor(n / 5) / 25)
      ).length
      expect(sameTopic / indices.length).toBeGreaterThan(0.95)
      expect(result.effectiveWords).toBe(5 * tokens.length)
      result.embeddings.dispose()
    }
  })
})

describe('IVF neighbours', () => {
  it('finds most exact neighbours on clustered vectors and leaves no tensors', async () => {
    await prepareWasmBackend()
    const rng = createRandom(9)
    const n = 3000
    const dims = 16
    const centers = Array.from({ length: 30 }, () =>
      Array.from({ length: dims }, () => rng.next() * 2 - 1)
    )
    const values = new Float32Array(n * dims)
    for (let i = 0; i < n; i++) {
      const c = centers[i % 30]!
      for (let k = 0; k < dims; k++) {
        values[i * dims + k] = c[k]! + (rng.next() - 0.5) * 0.6
      }
    }
    const trained = new Uint8Array(n).fill(1)
    const embeddings = tf.tensor2d(values, [n, dims])
    const before = tf.memory().numTensors
    const approx = nearestNeighbours(embeddings, trained, 10, { method: 'ivf', ivf: { probes: 8 } })
    expect(tf.memory().numTensors).toBe(before)
    const sample = Int32Array.from({ length: 200 }, (_, i) => i * 15)
    expect(recallAgainstExact(embeddings, trained, approx.indices, 10, sample)).toBeGreaterThan(0.9)
    expect(approx.indices.every((j, i) => j !== Math.floor(i / 10))).toBe(true)
    embeddings.dispose()
  })
})
