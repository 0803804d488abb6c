import { describe, expect, it } from 'vitest'
import {
  type BlendParams,
  BUCKETS,
  type LinearModel,
  type PinRecord,
  SOURCE_BIT,
  SOURCES,
  type SourceName,
} from '../../src/core/artifact'
import { bucketOf } from '../../src/core/blend'
import { DEFAULT_BLEND } from '../../src/core/defaults'
import { FEATURE_COUNT, FEATURE_NAMES } from '../../src/core/features'
import { createRandom } from '../../src/core/random'
import { fitBlend } from '../../src/offline/blend/fit'
import { prepareFitData, recallAt20, sliceFitData } from '../../src/offline/blend/fit-data'
import {
  type FitExample,
  fitBlendModel,
  fitModelOnRows,
  gatherFitData,
} from '../../src/offline/blend/fit-model'
import { ArtifactLookup, type Ranker } from '../../src/offline/blend/rankers'
import type { Queries } from '../../src/offline/blend/task'
import { tercileThresholds } from '../../src/offline/blend/thresholds'
import { simplexGrid, tuneBlend } from '../../src/offline/blend/tune'
import { artifactsFromRecords } from '../../src/offline/records-build'
import { Vocab } from '../../src/offline/vocab'
import { pinEntry as entry } from '../fixtures/pin-entry'

/**
 * Records whose scores take few values (ties, dominated and dominating candidates), some listing
 * the pin itself, some with more candidates than the top 20; queries whose targets are often but
 * not always candidates, and pins without a record.
 */
function world(seed: number) {
  const random = createRandom(seed)
  const pins = new Vocab()
  const pinCount = 120
  for (let i = 0; i < pinCount; i++) {
    pins.intern(`p${String(i).padStart(3, '0')}`)
  }
  const records: PinRecord[] = []
  for (let i = 0; i < 90; i++) {
    const count = random.int(45)
    const chosen = new Set<number>()
    while (chosen.size < count) {
      chosen.add(random.int(pinCount))
    }
    const candidates = [...chosen].map((j) => {
      let sources = 0
      const scores: Partial<Record<SourceName, number>> = {}
      for (const s of SOURCES) {
        if (random.next() < 0.5) {
          sources |= SOURCE_BIT[s]
          scores[s] = random.int(5) / 4
        }
      }
      if (sources === 0) {
        sources = SOURCE_BIT.cooc
        scores.cooc = 0.25
      }
      return { pin: entry(pins.ids[j]!, random.int(40)), sources, scores }
    })
    records.push({ pin: entry(pins.ids[i]!, random.int(200)), candidates })
  }
  const artifacts = artifactsFromRecords(records, {
    dims: 0,
    vectorDtype: 'int8',
    blend: DEFAULT_BLEND,
    sources: [...SOURCES],
    shardCount: 4,
  })
  const lookup = new ArtifactLookup(artifacts, pins)
  const n = 400
  const query = new Int32Array(n)
  const target = new Int32Array(n)
  for (let q = 0; q < n; q++) {
    query[q] = random.int(100)
    const r = records[query[q]!]
    const c = r?.candidates ?? []
    target[q] =
      c.length > 0 && random.next() < 0.8
        ? pins.get(c[random.int(c.length)]!.pin.id)!
        : random.int(pinCount)
  }
  return { lookup, pins, queries: { query, target } as Queries }
}

/** Recall@20 the slow way: rank every query with rankRelated through the lookup. */
function referenceRecall(ranker: Ranker, queries: Queries): number {
  let hits = 0
  for (let q = 0; q < queries.query.length; q++) {
    hits += ranker(queries.query[q]!, 50).subarray(0, 20).includes(queries.target[q]!) ? 1 : 0
  }
  return hits / queries.query.length
}

describe('blend fit on decoded query data', () => {
  for (const seed of [1, 2, 3]) {
    it(`chooses the weights and hits that ranking every query with rankRelated gives (seed ${seed})`, () => {
      const { lookup, queries } = world(seed)
      const data = prepareFitData(lookup, queries)
      const thresholds = tercileThresholds(
        Array.from(queries.query, (q) => lookup.record(q)?.pin.engagement ?? 0)
      )
      const options = { step: 0.25, origin: 'test' }
      const tuned = tuneBlend(data, [...SOURCES], thresholds, DEFAULT_BLEND, options)

      // The search written plainly: per bucket, hits of each weighting by rankRelated.
      const grid = simplexGrid([...SOURCES], options.step)
      for (const bucket of BUCKETS) {
        const inBucket = Array.from(queries.query.keys()).filter((q) => {
          const record = lookup.record(queries.query[q]!)
          return record && bucketOf(record.pin.engagement, thresholds) === bucket
        })
        const sub: Queries = {
          query: Int32Array.from(inBucket, (q) => queries.query[q]!),
          target: Int32Array.from(inBucket, (q) => queries.target[q]!),
        }
        const hitsOf = (w: BlendParams['weights']['tail']): number => {
          const blend = {
            ...DEFAULT_BLEND,
            buckets: thresholds,
            weights: { tail: w, torso: w, head: w },
          }
          return Math.round(referenceRecall(lookup.ranker({ blend }), sub) * sub.query.length)
        }
        let best = DEFAULT_BLEND.weights[bucket]
        let bestHits = hitsOf(best)
        for (const w of grid) {
          const h = hitsOf(w)
          if (h > bestHits) {
            best = w
            bestHits = h
          }
        }
        expect(tuned.blend.weights[bucket]).toEqual(best)
        expect(tuned.hits[bucket].chosen).toBe(bestHits)
        expect(bestHits).toBeGreaterThan(0)
      }
      expect(tuned.blend.buckets).toEqual(thresholds)
    })
  }

  it('measures check recalls as rankRelated does: weights, a learned model, single sources', () => {
    const { lookup, queries } = world(4)
    const data = prepareFitData(lookup, queries)
    const random = createRandom(9)
    const model: LinearModel = {
      kind: 'logistic',
      features: [...FEATURE_NAMES],
      weights: Array.from({ length: FEATURE_COUNT }, () => random.next() * 2 - 1),
      bias: -0.5,
      mean: Array.from({ length: FEATURE_COUNT }, () => random.next()),
      scale: Array.from({ length: FEATURE_COUNT }, () => 0.5 + random.next()),
    }
    const part = sliceFitData(data, 100, 400)
    const partQueries = part.queries
    for (const blend of [DEFAULT_BLEND, { ...DEFAULT_BLEND, model }]) {
      const expected = referenceRecall(lookup.ranker({ blend }), partQueries)
      expect(recallAt20(part, { blend })).toBe(expected)
      expect(expected).toBeGreaterThan(0)
    }
    for (const only of SOURCES) {
      expect(recallAt20(part, { only })).toBe(referenceRecall(lookup.ranker({ only }), partQueries))
    }
  })

  it('gathers the same training rows, so the same model, as from the records', async () => {
    const { lookup, pins, queries } = world(5)
    const data = prepareFitData(lookup, queries)
    const examples: FitExample[] = []
    for (let q = 0; q < queries.query.length; q++) {
      const record = lookup.record(queries.query[q]!)
      if (record) {
        examples.push({ record, targetId: pins.ids[queries.target[q]!]! })
      }
    }
    const options = { negativesPerQuery: 10, steps: 30, learningRate: 0.1, l2: 1e-4, seed: 7 }
    const fromRecords = await fitBlendModel(examples, options)
    const fromData = fitModelOnRows(gatherFitData(data, options), options)
    expect(fromRecords).not.toBeNull()
    expect(fromData!.model).toEqual(fromRecords!.model)
    expect({ ...fromData!.report, seconds: 0 }).toEqual({ ...fromRecords!.report, seconds: 0 })
  })

  it('with loss auto fits both objectives, checks each out of sample and keeps the better', async () => {
    const { lookup, queries } = world(8)
    const thresholds = tercileThresholds(
      Array.from(queries.query, (q) => lookup.record(q)?.pin.engagement ?? 0)
    )
    const options = { step: 0.25, origin: 'test', seed: 3 }
    const auto = await fitBlend(lookup, queries, thresholds, DEFAULT_BLEND, {
      ...options,
      loss: 'auto',
    })
    const model = auto.report.model!
    expect(Object.keys(model.lossCheckRecall20).sort()).toEqual(['listwise', 'pointwise'])
    const { listwise, pointwise } = model.lossCheckRecall20 as Record<string, number>
    expect(model.loss).toBe(pointwise! > listwise! ? 'pointwise' : 'listwise')
    expect(model.checkRecall20).toBe(Math.max(listwise!, pointwise!))
    // Each objective alone fits the same model as auto fitted for it.
    for (const loss of ['listwise', 'pointwise'] as const) {
      const alone = await fitBlend(lookup, queries, thresholds, DEFAULT_BLEND, { ...options, loss })
      expect(alone.report.model!.lossCheckRecall20).toEqual({
        [loss]: model.lossCheckRecall20[loss],
      })
      if (loss === model.loss && model.kept) {
        expect(alone.blend.model).toEqual(auto.blend.model)
      }
    }
  })
})
