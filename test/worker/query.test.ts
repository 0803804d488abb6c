import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { shardOf } from '../../src/core/hash'
import { cosine } from '../../src/core/quantize'
import { rerankRelated } from '../../src/core/rerank'
import { readableContext } from '../../src/core/session-model'
import {
  shardReader,
  startWorker,
  type TestWorker,
  type TinyBuild,
  tinyFixture,
  tinyVariant,
} from './harness'

let built: TinyBuild
let worker: TestWorker

beforeAll(async () => {
  built = await tinyFixture()
  // The isolate memo would answer repeats before the Cache API: this file tests the Cache API.
  worker = await startWorker(built, { RESPONSE_MEMO: 'off' })
})
afterAll(async () => {
  await worker?.dispose()
})

// biome-ignore lint/suspicious/noExplicitAny: tests read many answer shapes; each assertion narrows it
const json = async (res: Response): Promise<any> => res.json()
const ids = (body: { related: { id: string }[] }): string[] => body.related.map((r) => r.id)

/** The stored entry of a pin, read from the build output in Node. */
function entry(id: string) {
  const { manifest } = built.artifacts
  const record = shardReader(built.artifacts, shardOf(id, manifest.shardCount)).get(id)
  return record!.pin
}

describe('fallback', () => {
  it('answers an unknown pin with popular pins flagged fallback: true', async () => {
    const res = await worker.fetch('/v1/pins/no-such-pin/related?k=3')
    expect(res.status).toBe(200)
    const body = await json(res)
    expect(body).toMatchObject({ pin: null, fallback: true, k: 3 })
    expect(ids(body)).toEqual(built.artifacts.manifest.popular.slice(0, 3).map((p) => p.id))
    expect(body.related[0].sources).toEqual({})
  })

  it('answers a known pin without candidates with popular pins, never itself', async () => {
    const body = await json(await worker.fetch('/v1/pins/lonely-pin/related'))
    expect(body.pin.id).toBe('lonely-pin')
    expect(body.fallback).toBe(true)
    expect(body.related.length).toBeGreaterThan(0)
    expect(ids(body)).not.toContain('lonely-pin')
  })

  it('is off with fallback=none, and fallback values are validated', async () => {
    expect((await worker.fetch('/v1/pins/no-such-pin/related?fallback=none')).status).toBe(404)
    const res = await worker.fetch('/v1/pins/oak-table/related?fallback=maybe')
    expect(res.status).toBe(400)
    expect((await json(res)).error.message).toContain("fallback must be 'popular' or 'none'")
  })
})

describe('exclude, sources and dedup', () => {
  it('removes excluded ids and keeps explaining every result by source', async () => {
    const all = await json(await worker.fetch('/v1/pins/oak-table/related?k=5'))
    expect(ids(all)[0]).toBe('linen-runner')
    for (const r of all.related) {
      expect(Object.keys(r.sources).length).toBeGreaterThan(0)
    }
    const body = await json(
      await worker.fetch('/v1/pins/oak-table/related?k=5&exclude=linen-runner,copper-pan')
    )
    expect(ids(body)).not.toContain('linen-runner')
    expect(ids(body)).not.toContain('copper-pan')
    expect(ids(body)).toEqual(ids(all).filter((id) => id !== 'linen-runner' && id !== 'copper-pan'))
  })

  it('never returns the same pin twice and collapses near duplicates above the threshold', async () => {
    const loose = await json(await worker.fetch('/v1/pins/oak-table/related?k=10&dedup=1'))
    expect(new Set(ids(loose)).size).toBe(loose.related.length)
    const strict = await json(await worker.fetch('/v1/pins/oak-table/related?k=10&dedup=0'))
    expect(strict.related.length).toBeLessThan(loose.related.length)
    expect(ids(strict)[0]).toBe(ids(loose)[0]) // the best of a group is kept
    const kept = ids(strict)
      .map(entry)
      .filter((p) => p.vector)
    for (let i = 0; i < kept.length; i++) {
      for (let j = i + 1; j < kept.length; j++) {
        expect(cosine(kept[i]!.vector!, kept[j]!.vector!)).toBeLessThanOrEqual(0)
      }
    }
  })

  it.each(['2', '-0.1', 'abc', '0.12345'])('rejects dedup=%s', async (dedup) => {
    const res = await worker.fetch(`/v1/pins/oak-table/related?dedup=${dedup}`)
    expect(res.status).toBe(400)
    expect((await json(res)).error.message).toContain('dedup must be')
  })
})

/** The decoded record of a pin, read from the build output in Node. */
function record(result: TinyBuild, id: string) {
  const { manifest } = result.artifacts
  return shardReader(result.artifacts, shardOf(id, manifest.shardCount)).get(id)
}

describe('context: the session model', () => {
  it('serves exactly the session model of src/core, says which context was used, never returns it', async () => {
    const res = await worker.fetch(
      '/v1/pins/oak-table/related?k=10&dedup=1&context=tomato-seeds,raised-bed,no-such-pin'
    )
    const body = await json(res)
    expect(body.context).toEqual({
      used: true,
      pins: ['tomato-seeds', 'raised-bed'],
      ignored: ['no-such-pin'],
      unread: [],
    })
    expect(ids(body)).not.toContain('tomato-seeds')
    expect(ids(body)).not.toContain('raised-bed')
    // The same ranking computed in Node from the same records.
    const { manifest } = built.artifacts
    const expected = rerankRelated([record(built, 'oak-table')!], manifest.blend, {
      k: 10,
      context: [record(built, 'tomato-seeds')!, record(built, 'raised-bed')!],
      unreadContext: ['no-such-pin'],
    })
    expect(body.related).toEqual(JSON.parse(JSON.stringify(expected)))
    // Candidates only a context pin proposes can be reached.
    const own = new Set(record(built, 'oak-table')!.candidates.map((c) => c.pin.id))
    const fromContext = record(built, 'tomato-seeds')!
      .candidates.map((c) => c.pin.id)
      .filter((id) => !own.has(id) && id !== 'oak-table' && id !== 'raised-bed')
    if (fromContext.length > 0) {
      expect(ids(body).some((id) => fromContext.includes(id))).toBe(true)
    }
    const plain = await json(await worker.fetch('/v1/pins/oak-table/related?k=10&dedup=1'))
    expect(plain.context).toBeNull()
  })

  it('weights context by recency: its order is part of the cache key and can change the answer', async () => {
    const a = await worker.fetch('/v1/pins/oak-table/related?k=10&context=tomato-seeds,copper-pan')
    const b = await worker.fetch('/v1/pins/oak-table/related?k=10&context=copper-pan,tomato-seeds')
    expect(a.headers.get('etag')).not.toBe(b.headers.get('etag'))
    const { manifest } = built.artifacts
    const ranked = (order: string[]) =>
      rerankRelated([record(built, 'oak-table')!], manifest.blend, {
        k: 10,
        context: order.map((id) => record(built, id)!),
      })
    expect(ids(await json(a))).toEqual(ranked(['tomato-seeds', 'copper-pan']).map((r) => r.id))
    expect(ids(await json(b))).toEqual(ranked(['copper-pan', 'tomato-seeds']).map((r) => r.id))
  })

  it('returns context pins only with seen=allow, and validates seen', async () => {
    const top = ids(await json(await worker.fetch('/v1/pins/oak-table/related?k=3')))[0]!
    const hidden = await json(await worker.fetch(`/v1/pins/oak-table/related?k=10&context=${top}`))
    expect(ids(hidden)).not.toContain(top)
    const shown = await json(
      await worker.fetch(`/v1/pins/oak-table/related?k=10&context=${top}&seen=allow`)
    )
    expect(ids(shown)).toContain(top)
    expect(ids(shown)).not.toContain('oak-table')
    const res = await worker.fetch('/v1/pins/oak-table/related?context=copper-pan&seen=maybe')
    expect(res.status).toBe(400)
    expect((await json(res)).error.message).toContain("seen must be 'exclude' or 'allow'")
  })

  it('reads at most one KV value per distinct shard, in parallel', async () => {
    const w = await startWorker(built)
    try {
      await w.fetch('/healthz')
      const context = ['tomato-seeds', 'raised-bed', 'copper-pan']
      const res = await w.fetch(`/v1/pins/oak-table/related?context=${context.join(',')}`)
      expect(res.status).toBe(200)
      const reads = Number(res.headers.get('x-kv-reads'))
      const distinctShards = new Set(
        ['oak-table', ...context].map((id) => shardOf(id, built.artifacts.manifest.shardCount))
      ).size
      expect(reads).toBe(distinctShards)
      expect(Number(res.headers.get('x-kv-bytes'))).toBeGreaterThan(0)
    } finally {
      await w.dispose()
    }
  })

  it('never reads more than 6 shards: context past the budget is unread but still excluded', async () => {
    // As many shards as pins (the pipeline's --pins-per-shard 1), from the fixture's records.
    const onePerShard = await tinyVariant({ shardCount: built.artifacts.manifest.pinCount })
    const { shardCount } = onePerShard.artifacts.manifest
    // Unknown ids cost a shard read too; with them the 10 context pins span all 7 shards.
    const context = [
      'linen-runner',
      'copper-pan',
      'tomato-seeds',
      'raised-bed',
      'lonely-pin',
      'ghost-1',
      'ghost-2',
      'ghost-3',
      'ghost-4',
      'ghost-5',
    ]
    const readable = readableContext(['oak-table'], context, shardCount)
    const unread = context.filter((id) => !readable.includes(id))
    expect(unread.length).toBeGreaterThan(0)
    const w = await startWorker(onePerShard)
    try {
      await w.fetch('/healthz')
      const res = await w.fetch(`/v1/pins/oak-table/related?k=10&context=${context.join(',')}`)
      const body = await json(res)
      expect(Number(res.headers.get('x-kv-reads'))).toBe(6)
      expect(body.context.unread).toEqual(unread)
      for (const id of context) {
        expect(ids(body)).not.toContain(id)
      }
    } finally {
      await w.dispose()
    }
  })

  it('limits context to 10 pins', async () => {
    const context = Array.from({ length: 11 }, (_, i) => `p${i}`).join(',')
    const res = await worker.fetch(`/v1/pins/oak-table/related?context=${context}`)
    expect(res.status).toBe(400)
    expect((await json(res)).error.message).toBe('context takes at most 10 pin ids, got 11')
  })
})

describe('multi-seed /v1/related', () => {
  it('merges the candidates of every seed and boosts pins reached from several seeds', async () => {
    const res = await worker.fetch(
      '/v1/related?pins=oak-table,tomato-seeds,no-such-pin&k=10&dedup=1'
    )
    expect(res.status).toBe(200)
    const body = await json(res)
    expect(body.pins).toEqual([
      { id: 'oak-table', found: true },
      { id: 'tomato-seeds', found: true },
      { id: 'no-such-pin', found: false },
    ])
    expect(ids(body)).not.toContain('oak-table')
    expect(ids(body)).not.toContain('tomato-seeds')
    const a = await json(await worker.fetch('/v1/pins/oak-table/related?k=100&dedup=1'))
    const b = await json(await worker.fetch('/v1/pins/tomato-seeds/related?k=100&dedup=1'))
    for (const r of body.related) {
      const sa = a.related.find((x: { id: string }) => x.id === r.id)?.score ?? 0
      const sb = b.related.find((x: { id: string }) => x.id === r.id)?.score ?? 0
      expect(r.seeds).toBe(
        [a, b].filter((one) => one.related.some((x: { id: string }) => x.id === r.id)).length
      )
      // Pixie's boost: (Σ √score)² ≥ Σ score, equal for a single seed.
      expect(r.score).toBeCloseTo((Math.sqrt(sa) + Math.sqrt(sb)) ** 2, 3)
      expect(r.score).toBeGreaterThanOrEqual(sa + sb - 1e-3)
    }
  })

  it('answers the same query by POST with a JSON body, ids with commas allowed', async () => {
    const get = await json(await worker.fetch('/v1/related?pins=tomato-seeds,oak-table&k=4'))
    const post = await worker.fetch('/v1/related', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pins: ['oak-table', 'tomato-seeds'], k: 4 }),
    })
    expect(post.status).toBe(200)
    const body = await json(post)
    expect(body.related).toEqual(get.related)
  })

  it.each([
    ['/v1/related', 'pins is required'],
    [
      `/v1/related?pins=${Array.from({ length: 51 }, (_, i) => `p${i}`).join(',')}`,
      'pins takes at most 50 pin ids, got 51',
    ],
    [`/v1/related?pins=${'x'.repeat(257)}`, 'pin id must be 1 to 256 characters'],
    ['/v1/related?pins=a,,b', 'pin id must be 1 to 256 characters'],
    ['/v1/related?pins=a%01b', 'without control characters'],
  ])('rejects %s', async (path, message) => {
    const res = await worker.fetch(path)
    expect(res.status).toBe(400)
    expect((await json(res)).error.message).toContain(message)
  })

  it.each([
    ['not json', 'body must be a JSON object'],
    ['[1]', 'body must be a JSON object'],
    ['{"pins": "a,b"}', 'pins must be an array'],
    ['{"pins": ["a"], "k": "5"}', 'k must be a number'],
    ['{"pins": ["a"], "extra": 1}', 'unknown body field "extra"'],
    ['{"pins": [1]}', 'pins must be a list of pin id strings'],
    [
      JSON.stringify({
        pins: ['a'.repeat(200)],
        exclude: Array.from({ length: 100 }, () => 'b'.repeat(200)),
      }),
      'request body must be at most 16384 bytes',
    ],
  ])('rejects the POST body %#', async (body, message) => {
    const res = await worker.fetch('/v1/related', { method: 'POST', body })
    expect(res.status).toBe(400)
    expect((await json(res)).error.message).toContain(message)
  })
})

describe('isolate memo of answers', () => {
  it('answers a request from memory once it has missed twice, with no KV read, and keeps builds apart by key', async () => {
    const memoWorker = await startWorker(built)
    try {
      const first = await memoWorker.fetch('/v1/pins/copper-pan/related?k=5')
      expect(first.headers.get('x-cache')).toBe('MISS')
      const body = await json(first)
      // Admission on the second miss (src/worker/admission.ts): the first answer was not kept.
      const second = await memoWorker.fetch('/v1/pins/copper-pan/related?k=5')
      expect(second.headers.get('x-cache')).toBe('MISS')
      expect(second.headers.get('x-cache-layer')).toBe('shard-cache')
      const again = await memoWorker.fetch('/v1/pins/copper-pan/related?k=05')
      expect(again.headers.get('x-cache')).toBe('MEMORY')
      expect(again.headers.get('x-kv-reads')).toBe('0')
      expect(again.headers.get('etag')).toBe(first.headers.get('etag'))
      expect(await json(again)).toEqual(body)
      const other = await memoWorker.fetch('/v1/pins/copper-pan/related?k=6')
      expect(other.headers.get('x-cache')).toBe('MISS')
    } finally {
      await memoWorker.dispose()
    }
  })
})

describe('Cache API', () => {
  it('serves equal requests from one normalised cache entry (sorted params, defaults, ignored params)', async () => {
    const first = await worker.fetch('/v1/pins/copper-pan/related?k=07&exclude=b,a&utm_source=x')
    expect(first.headers.get('x-cache')).toBe('MISS')
    const body = await json(first)
    // The second miss of the same normalised request is the one stored (admission.ts).
    await new Promise((r) => setTimeout(r, 50))
    const second = await worker.fetch('/v1/pins/copper-pan/related?exclude=a,b&k=7')
    expect(second.headers.get('x-cache')).toBe('MISS')
    await new Promise((r) => setTimeout(r, 50)) // cache.put runs in waitUntil
    const again = await worker.fetch(
      '/v1/pins/copper-pan/related?fallback=popular&exclude=a,b,a&k=7'
    )
    expect(again.headers.get('x-cache')).toBe('HIT')
    expect(again.headers.get('x-kv-reads')).toBe('0')
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'))
    expect(await json(again)).toEqual(body)
    const other = await worker.fetch('/v1/pins/copper-pan/related?k=8&exclude=a,b')
    expect(other.headers.get('x-cache')).toBe('MISS')
  })

  it('shares entries between GET and POST of the same multi-seed query', async () => {
    for (let miss = 0; miss < 2; miss++) {
      const get = await worker.fetch('/v1/related?pins=raised-bed,copper-pan&k=3')
      expect(get.headers.get('x-cache')).toBe('MISS')
    }
    await new Promise((r) => setTimeout(r, 50))
    const post = await worker.fetch('/v1/related', {
      method: 'POST',
      body: JSON.stringify({ pins: ['copper-pan', 'raised-bed'], k: 3 }),
    })
    expect(post.headers.get('x-cache')).toBe('HIT')
  })

  it('stores every first miss with CACHE_ADMISSION=first', async () => {
    const eager = await startWorker(built, { RESPONSE_MEMO: 'off', CACHE_ADMISSION: 'first' })
    try {
      const first = await eager.fetch('/v1/pins/copper-pan/related?k=9')
      expect(first.headers.get('x-cache')).toBe('MISS')
      await new Promise((r) => setTimeout(r, 50))
      const again = await eager.fetch('/v1/pins/copper-pan/related?k=9')
      expect(again.headers.get('x-cache')).toBe('HIT')
      expect(await json(again)).toEqual(await json(first))
    } finally {
      await eager.dispose()
    }
  })
})
