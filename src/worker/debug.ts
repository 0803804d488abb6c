/**
 * @module
 * /__debug routes, only when the DEBUG binding is '1' (tests and `npm run bench -- edge`): a hello
 * route for the throughput baseline, a bare KV read (the local KV's own cost), the registered
 * routes (checked against the OpenAPI description), and CPU timers for the ranking path with KV
 * excluded.
 */

import type { Hono } from 'hono'
import { indexShard, inflateShard, type Manifest, shardKey, verifyShard } from '../core/artifact'
import { shardOf } from '../core/hash'
import type { AppEnv } from './env'
import { inflateShardBody, openServedShard } from './inflate'
import { rankQuery, relatedQuery } from './query'
import { pinAnswer } from './related'
import { DEFAULT_K, idList, integer, MAX_K, pinQuery, validate } from './schema'

/** The pins to time, the runs per sample (1..100) and the query parameters of every sample. */
const timed = (reps: number) =>
  pinQuery(DEFAULT_K).extend({
    pins: idList('pins', 1000, 'query', 'pins to time'),
    reps: integer('reps', 1, MAX_K, 'query', reps),
  })
const CPU_QUERY = timed(50)
const MISS_CPU_QUERY = timed(20)

/** ms per run of each part of the miss path, each timed on its own (decode includes indexing). */
type MissCpuParts = Record<'verify' | 'inflate' | 'decode' | 'rank' | 'json', number>

/** The KV value of the shard `pin` hashes to, read past the store and every cache. */
async function rawShard(kv: KVNamespace, manifest: Manifest, pin: string) {
  const index = shardOf(pin, manifest.shardCount)
  const key = shardKey(manifest.buildId, index)
  return { index, key, value: await kv.get(key, 'arrayBuffer') }
}

export function registerDebug(app: Hono<AppEnv>): void {
  app.use('/__debug/*', async (c, next) => {
    if (!c.var.config.debug) {
      return c.notFound()
    }
    await next()
  })

  app.get('/__debug/hello', (c) => c.text('hello'))

  app.get('/__debug/routes', (c) => {
    // A route with its own middleware (relatedPins) is registered once per handler: list it once.
    const seen = new Set<string>()
    return c.json(
      app.routes
        .filter((r) => r.method !== 'ALL' && !r.path.startsWith('/__debug'))
        .filter((r) => !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`))
        .map((r) => ({ method: r.method, path: r.path }))
    )
  })

  /**
   * The local KV alone, for the edge bench's cost split: read the value of the shard that `pin`
   * hashes to straight from KV (no isolate cache, no integrity check, no decoding) and answer its
   * size, with the X-Cache-Layer / X-KV-* headers the related routes send.
   */
  app.get('/__debug/kv-read/:pin', async (c) => {
    const { manifest } = await c.var.store.build()
    const { key, value } = await rawShard(c.env.ARTIFACTS, manifest, c.req.param('pin'))
    const bytes = value?.byteLength ?? 0
    c.header('X-Cache-Layer', 'kv')
    c.header('X-KV-Reads', '1')
    c.header('X-KV-Bytes', String(bytes))
    return c.json({ key, bytes })
  })

  /**
   * For each pin of `pins`: load its records (and the context's) once, untimed, then time `reps`
   * runs of what a request does after its KV reads: record decode from the cached shard, blend,
   * context re-rank, collapse and JSON serialisation. workerd's clock is coarse (1 ms locally), so
   * one sample is the mean over `reps` runs of the same request.
   */
  app.get('/__debug/cpu', async (c) => {
    const { pins, reps, ...params } = validate(CPU_QUERY, c.req.query())
    const build = await c.var.store.build()
    const samples: { pin: string; ms: number }[] = []
    let bytes = 0
    for (const pin of pins) {
      const q = relatedQuery([pin], params, c.var.config)
      const ids = [...q.seeds, ...q.context]
      await Promise.all(ids.map((id) => build.record(id))) // warm: KV excluded from the timing
      const t0 = performance.now()
      for (let i = 0; i < reps; i++) {
        const [seed, ...context] = await Promise.all(ids.map((id) => build.record(id)))
        const r = rankQuery(build, q, [seed ?? null], context)
        bytes += JSON.stringify(pinAnswer(r, seed ?? undefined)).length
      }
      samples.push({ pin, ms: (performance.now() - t0) / reps })
    }
    return c.json({ reps, samples, bytesPerAnswer: bytes / Math.max(1, reps * samples.length) })
  })

  /**
   * The miss path's CPU, for each pin of `pins`: its shard value is read from KV once (untimed),
   * then `reps` runs time what a request whose shard is not in the isolate does after the KV read:
   * header check, SHA-256 of the body, inflate, index, record decode, blend and JSON of k results.
   * Each part is also timed on its own over `reps` runs (on the previous part's output), so the
   * bench can say where the time goes. workerd advances its clock only between I/O events, so the
   * clock is read after awaiting a timer on both sides; `clockAdvanced` says whether it moved at
   * all during the whole route.
   */
  app.get('/__debug/miss-cpu', async (c) => {
    const { pins, reps, ...params } = validate(MISS_CPU_QUERY, c.req.query())
    const build = await c.var.store.build()
    const { manifest } = build
    const tick = (): Promise<number> =>
      new Promise((resolve) => setTimeout(() => resolve(Date.now()), 0))
    const timeReps = async (run: () => unknown): Promise<number> => {
      const t0 = await tick()
      for (let i = 0; i < reps; i++) {
        await run()
      }
      return ((await tick()) - t0) / reps
    }
    const first = await tick()
    const samples: { pin: string; ms: number; shardBytes: number; parts: MissCpuParts }[] = []
    for (const pin of pins) {
      const { index, value } = await rawShard(c.env.ARTIFACTS, manifest, pin)
      if (!value) {
        continue
      }
      const bytes = new Uint8Array(value)
      const q = relatedQuery([pin], params, c.var.config)
      const place = { index, shardCount: manifest.shardCount, shardTag: manifest.shardTag }
      const whole = async () => {
        const reader = await openServedShard(bytes, place)
        const seed = reader.get(pin)
        JSON.stringify(pinAnswer(rankQuery(build, q, [seed], []), seed ?? undefined))
      }
      const ms = await timeReps(whole)
      const verified = await verifyShard(bytes, place)
      const raw = await inflateShard(verified, inflateShardBody)
      const reader = indexShard(verified.header, raw)
      const seed = reader.get(pin)
      const result = rankQuery(build, q, [seed], [])
      const parts: MissCpuParts = {
        verify: await timeReps(() => verifyShard(bytes, place)),
        inflate: await timeReps(() => inflateShard(verified, inflateShardBody)),
        // A fresh reader each run: a reader caches the table entries it has decoded.
        decode: await timeReps(() => indexShard(verified.header, raw).get(pin)),
        rank: await timeReps(() => rankQuery(build, q, [seed], [])),
        json: await timeReps(() => JSON.stringify(pinAnswer(result, seed ?? undefined))),
      }
      samples.push({ pin, ms, shardBytes: bytes.length, parts })
    }
    return c.json({ reps, samples, clockAdvanced: (await tick()) > first })
  })
}
