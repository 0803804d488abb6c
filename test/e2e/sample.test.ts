import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cosine } from '../../src/core/quantize'
import { createRandom } from '../../src/core/random'
import { ServedRankers } from '../../src/eval/served-rankers'
import { ArtifactLookup } from '../../src/offline/blend/rankers'
import { buildOptions } from '../../src/offline/config'
import { generateWorld, readTruth, writeWorld } from '../../src/offline/generate'
import { silentLogger } from '../../src/offline/log'
import { runBuild } from '../../src/offline/pipeline'
import { Vocab } from '../../src/offline/vocab'
import { readArtifacts } from '../../src/offline/write'
import { shardReader, startWorker, type TestWorker, type TinyBuild } from '../worker/harness'

// Generate → build → seed KV → query the worker in workerd, on a generated world with known topics.
let dir: string
let built: TinyBuild
let truth: Map<string, number>
let worker: TestWorker

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rp-e2e-'))
  await writeWorld(generateWorld({ pins: 2000, seed: 11 }), dir)
  truth = await readTruth(dir)
  const result = await runBuild(
    {
      inputs: {
        boards: join(dir, 'boards.csv'),
        events: join(dir, 'events.csv'),
        pins: join(dir, 'pins.csv'),
      },
      out: join(dir, 'artifacts'),
      options: buildOptions({ seed: 11 }),
    },
    silentLogger
  )
  built = { ...result, artifacts: await readArtifacts(result.dir) }
  worker = await startWorker(built)
  // A full build on a 2-core machine shared with other jobs: allow well beyond its usual minute.
}, 900_000)
afterAll(async () => {
  await worker?.dispose()
})

describe('generated world end to end', () => {
  it('serves blended related pins that mostly share the query pin topic (precision@10 >= 0.8)', async () => {
    const ids = [...truth.keys()]
    const random = createRandom(5)
    let shared = 0
    let total = 0
    for (let q = 0; q < 150; q++) {
      const id = ids[random.int(ids.length)]!
      const res = await worker.fetch(`/v1/pins/${id}/related?k=10`)
      expect(res.status).toBe(200)
      const body = (await res.json()) as { related: { id: string }[] }
      for (const r of body.related) {
        total++
        shared += truth.get(r.id) === truth.get(id) ? 1 : 0
      }
    }
    expect(total).toBeGreaterThan(150 * 8)
    expect(shared / total).toBeGreaterThanOrEqual(0.8)
  })

  it('learns Pin2Vec vectors that put same-topic pins closer than other pins', () => {
    // Read the stored (int8) vectors back through the shard reader the worker uses.
    const vectors = new Map<string, Int8Array | Float32Array>()
    for (const index of built.artifacts.shards.keys()) {
      const reader = shardReader(built.artifacts, index)
      for (const id of reader.ids()) {
        const v = reader.get(id)!.pin.vector
        if (v) {
          vectors.set(id, v)
        }
      }
    }
    expect(vectors.size).toBeGreaterThan(1500)
    // AUC: the probability that a random same-topic pair is closer than a random cross-topic pair.
    const ids = [...vectors.keys()]
    const byTopic = new Map<number, string[]>()
    for (const id of ids) {
      const t = truth.get(id)!
      byTopic.set(t, [...(byTopic.get(t) ?? []), id])
    }
    const random = createRandom(8)
    const pick = (list: string[]): string => list[random.int(list.length)]!
    let wins = 0
    const trials = 20000
    for (let t = 0; t < trials; t++) {
      const a = pick(ids)
      const sameTopic = byTopic.get(truth.get(a)!)!.filter((id) => id !== a)
      let b = pick(ids)
      while (truth.get(b) === truth.get(a)) {
        b = pick(ids)
      }
      const same = cosine(vectors.get(a)!, vectors.get(pick(sameTopic))!)
      const other = cosine(vectors.get(a)!, vectors.get(b)!)
      wins += same > other ? 1 : same === other ? 0.5 : 0
    }
    // Threshold: same-topic pairs closer than cross-topic pairs in at least 90% of draws.
    expect(wins / trials).toBeGreaterThanOrEqual(0.9)
  })

  it('serves exactly the ranking offline evaluation scores', async () => {
    const pins = new Vocab()
    for (const index of built.artifacts.shards.keys()) {
      for (const id of shardReader(built.artifacts, index).ids()) {
        pins.intern(id)
      }
    }
    const served = new ArtifactLookup(built.artifacts, pins).servedRanker()
    const random = createRandom(21)
    for (let t = 0; t < 40; t++) {
      const q = random.int(pins.size)
      const body = (await (await worker.fetch(`/v1/pins/${pins.ids[q]}/related?k=20`)).json()) as {
        related: { id: string }[]
      }
      expect(body.related.map((r) => r.id)).toEqual(Array.from(served(q, 20), (i) => pins.ids[i]))
    }
  })

  it('serves exactly the session answer offline evaluation scores (context and exclude)', async () => {
    const pins = new Vocab()
    for (const index of built.artifacts.shards.keys()) {
      for (const id of shardReader(built.artifacts, index).ids()) {
        pins.intern(id)
      }
    }
    const served = new ServedRankers(new ArtifactLookup(built.artifacts, pins), pins).served()
    const random = createRandom(22)
    for (let t = 0; t < 30; t++) {
      const q = random.int(pins.size)
      const history = [
        ...new Set(Array.from({ length: 2 + random.int(12) }, () => random.int(pins.size))),
      ].filter((p) => p !== q)
      const context = history.slice(0, 10)
      const older = history.slice(10)
      const list = (xs: number[]) => xs.map((i) => encodeURIComponent(pins.ids[i]!)).join(',')
      const url = `/v1/pins/${encodeURIComponent(pins.ids[q]!)}/related?k=20&context=${list(context)}${older.length > 0 ? `&exclude=${list(older)}` : ''}`
      const body = (await (await worker.fetch(url)).json()) as { related: { id: string }[] }
      const ranked = served(
        { pin: q, context: Int32Array.from(context), time: 0 },
        20,
        new Set([q, ...history])
      )
      expect(body.related.map((r) => r.id)).toEqual(Array.from(ranked, (i) => pins.ids[i]))
    }
  })

  it('ships a blend fitted on its own held-out sessions that beats every single source there', async () => {
    const fit = built.report.blendFit
    expect(fit).not.toBeNull()
    expect(built.artifacts.manifest.blend.origin).toMatch(/^fitted on held-out sessions/)
    const model = fit!.model!
    expect(model.queries).toBeGreaterThan(500)
    const bestSingle = Math.max(...Object.values(model.singleCheckRecall20))
    expect(Math.max(model.checkRecall20, model.weightedCheckRecall20)).toBeGreaterThan(bestSingle)
  })

  it('scores its session lists as chosen on the held-out queries, and ships that choice', () => {
    const tuned = built.report.blendFit!.sessionScoring!
    expect(tuned.trials.length).toBeGreaterThan(1)
    const best = Math.max(...tuned.trials.map((t) => t.hr20))
    const chosen = tuned.trials.find(
      (t) =>
        t.lengthDamping === tuned.chosen.lengthDamping &&
        t.decay === tuned.chosen.decay &&
        t.backward === tuned.chosen.backward &&
        t.popularityExponent === tuned.chosen.popularityExponent
    )
    expect(chosen?.hr20).toBe(best)
    expect(built.artifacts.manifest.blend.sessionCooc).toEqual(tuned.chosen)
    expect(built.report.sessionCooc).toMatchObject(tuned.chosen)
  })

  it('accounts for every input row in report.json', () => {
    const inputs = built.report.inputs as Record<
      string,
      { read: number; used: number; skipped: Record<string, number> }
    >
    for (const kind of ['boards', 'events', 'pins']) {
      const r = inputs[kind]!
      const skipped = Object.values(r.skipped).reduce((a, b) => a + b, 0)
      expect(r.read).toBeGreaterThan(0)
      expect(r.used + skipped).toBe(r.read)
    }
    expect(built.report.pin2vec?.lossPerEpoch.length).toBe(5)
  })
})
