import { describe, expect, it } from 'vitest'
import { FEATURE_COUNT, FEATURE_NAMES, scoreModel } from '../../src/core/features'
import { createRandom } from '../../src/core/random'
import type { FitData, PinCandidates } from '../../src/offline/blend/fit-data'
import { fitListwiseModel } from '../../src/offline/blend/fit-model'
import {
  type ListwiseQuery,
  listwiseEpochs,
  listwiseLoss,
  plattScale,
  trainListwise,
} from '../../src/offline/blend/listwise'

/**
 * Queries whose target is the candidate with the largest feature 0 plus noise, while feature 1
 * is large for whole queries (a per-query offset, which a listwise objective must ignore) and
 * feature 2 is noise.
 */
function queries(seed: number, n: number, features = 3): ListwiseQuery[] {
  const random = createRandom(seed)
  const out: ListwiseQuery[] = []
  for (let q = 0; q < n; q++) {
    const count = 5 + random.int(30)
    const x = new Float32Array(count * features)
    const offset = random.next() * 10
    let target = 0
    let best = Number.NEGATIVE_INFINITY
    for (let i = 0; i < count; i++) {
      const signal = random.next()
      x[i * features] = signal
      x[i * features + 1] = offset
      x[i * features + 2] = random.next()
      const noisy = signal + 0.1 * random.next()
      if (noisy > best) {
        best = noisy
        target = i
      }
    }
    out.push({ x, count, target })
  }
  return out
}

const unit = { mean: [0, 0, 0], scale: [1, 1, 1] }
const options = { epochs: 10, minSteps: 0, batch: 16, learningRate: 0.05, l2: 0, seed: 3 }

/** Share of queries whose target has the highest w · x. */
function top1(qs: ListwiseQuery[], w: Float64Array): number {
  let hits = 0
  for (const q of qs) {
    const s = (i: number) => w[0]! * q.x[i * 3]! + w[1]! * q.x[i * 3 + 1]! + w[2]! * q.x[i * 3 + 2]!
    let above = 0
    for (let i = 0; i < q.count; i++) {
      above += s(i) > s(q.target) ? 1 : 0
    }
    hits += above === 0 ? 1 : 0
  }
  return hits / qs.length
}

describe('trainListwise', () => {
  it('learns the feature that orders candidates within a query, and lowers the loss', () => {
    const train = queries(1, 400)
    const fit = trainListwise(train, unit, options)
    expect(fit.weights[0]).toBeGreaterThan(1)
    expect(Math.abs(fit.weights[2]!)).toBeLessThan(fit.weights[0]! / 5)
    // The per-query offset moves every candidate of a query alike: no gradient, so no weight.
    expect(Math.abs(fit.weights[1]!)).toBeLessThan(fit.weights[0]! / 5)
    expect(fit.lossEnd).toBeLessThan(fit.lossStart * 0.8)
    expect(fit.lossEnd).toBeCloseTo(listwiseLoss(train, unit, fit.weights), 12)
    // Held-out queries: the target comes first far more often than by chance (1 in ~20).
    expect(top1(queries(2, 300), fit.weights)).toBeGreaterThan(0.5)
  })

  it('is deterministic for the same seed and reports every epoch', () => {
    const train = queries(4, 100)
    const seen: number[] = []
    const a = trainListwise(train, unit, options, (done) => seen.push(done))
    const b = trainListwise(train, unit, options)
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights))
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    const c = trainListwise(train, unit, { ...options, seed: 5 })
    expect(Array.from(c.weights)).not.toEqual(Array.from(a.weights))
  })

  it('runs more epochs on few queries, to take at least minSteps steps', () => {
    expect(listwiseEpochs(10_000, { epochs: 10, minSteps: 1500, batch: 64 })).toBe(10)
    expect(listwiseEpochs(640, { epochs: 10, minSteps: 1500, batch: 64 })).toBe(150)
    expect(listwiseEpochs(0, { epochs: 10, minSteps: 1500, batch: 64 })).toBe(1500)
    const seen: number[] = []
    trainListwise(queries(7, 32), unit, { ...options, minSteps: 40 }, (done) => seen.push(done))
    expect(seen.length).toBe(20)
  })

  it('standardises rows as the served model does: (x − mean) / scale', () => {
    const train = queries(6, 200)
    const plain = trainListwise(train, unit, options)
    // Rows shifted and stretched, with the inverse standardisation, train the same weights.
    const shifted = train.map((q) => ({
      ...q,
      x: q.x.map((v, k) => (k % 3 === 0 ? v * 4 + 7 : v)),
    }))
    const std = { mean: [7, 0, 0], scale: [4, 1, 1] }
    const same = trainListwise(shifted, std, options)
    for (let f = 0; f < 3; f++) {
      expect(same.weights[f]).toBeCloseTo(plain.weights[f]!, 6)
    }
  })
})

describe('plattScale', () => {
  it('recovers a known slope and intercept, from a far start too', () => {
    const random = createRandom(9)
    const n = 200_000
    for (const spread of [1, 100]) {
      const scores = new Float64Array(n)
      const labels = new Float32Array(n)
      for (let i = 0; i < n; i++) {
        const s = (random.next() * 8 - 4) * spread
        scores[i] = s
        labels[i] = random.next() < 1 / (1 + Math.exp(-((1.5 / spread) * s - 0.5))) ? 1 : 0
      }
      const { a, b } = plattScale(scores, labels)
      expect(a * spread).toBeCloseTo(1.5, 1)
      expect(b).toBeCloseTo(-0.5, 1)
    }
  })

  it('never flips the order: scores that do not predict the labels keep a positive slope', () => {
    const scores = Float64Array.from({ length: 100 }, (_, i) => i)
    const labels = Float32Array.from({ length: 100 }, (_, i) => (i < 50 ? 1 : 0))
    const { a } = plattScale(scores, labels)
    expect(a).toBeGreaterThan(0)
  })
})

describe('fitListwiseModel', () => {
  /** Fit data in the features' layout: the target has the largest `score:session`. */
  function fitData(n: number): FitData {
    const random = createRandom(11)
    const candidates: (PinCandidates | null)[] = []
    const target = new Int32Array(n)
    const session = FEATURE_NAMES.indexOf('score:session')
    for (let q = 0; q < n; q++) {
      const count = 3 + random.int(25)
      const features = new Float32Array(count * FEATURE_COUNT)
      let best = -1
      for (let i = 0; i < count; i++) {
        for (let f = 0; f < FEATURE_COUNT; f++) {
          features[i * FEATURE_COUNT + f] = random.next()
        }
        if (
          best < 0 ||
          features[i * FEATURE_COUNT + session]! > features[best * FEATURE_COUNT + session]!
        ) {
          best = i
        }
      }
      // Every fifth query's target is no candidate: it teaches nothing and is skipped.
      target[q] = q % 5 === 4 ? -1 : best
      candidates.push({
        count,
        features,
        scores: new Float64Array(0),
        bits: new Uint8Array(count),
        idRank: Int32Array.from({ length: count }, (_, i) => i),
        ids: [],
        engagement: 1,
      })
    }
    return { queries: { query: new Int32Array(n), target: new Int32Array(n) }, candidates, target }
  }

  it('fits a served logistic model that ranks the target first, with probabilities below 1', () => {
    const data = fitData(300)
    const fitted = fitListwiseModel(data, undefined, undefined)
    expect(fitted).not.toBeNull()
    const { model, report } = fitted!
    expect(model.kind).toBe('logistic')
    expect(model.features).toEqual([...FEATURE_NAMES])
    expect(report.queries).toBe(240)
    let first = 0
    for (let q = 0; q < 300; q++) {
      const c = data.candidates[q]!
      const out = new Float64Array(c.count)
      scoreModel(model, c.features, c.count, out)
      expect(out.every((p) => p > 0 && p < 1)).toBe(true)
      if (data.target[q]! >= 0) {
        first += out.indexOf(Math.max(...out)) === data.target[q] ? 1 : 0
      }
    }
    expect(first / 240).toBeGreaterThan(0.8)
  })

  it('fits nothing on fewer than 20 usable queries', () => {
    expect(fitListwiseModel(fitData(20))).toBeNull()
  })
})
