import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FORMAT_VERSION } from '../../src/core/artifact'
import { startWorker, type TestWorker, type TinyBuild, tinyFixture } from './harness'

let built: TinyBuild
let worker: TestWorker

beforeAll(async () => {
  built = await tinyFixture()
  worker = await startWorker(built)
})
afterAll(async () => {
  await worker?.dispose()
})

// biome-ignore lint/suspicious/noExplicitAny: tests read many answer shapes; each assertion narrows it
const json = async (res: Response): Promise<any> => res.json()

describe('GET /v1/pins/:id/related', () => {
  it('returns related pins with per-source scores', async () => {
    const res = await worker.fetch('/v1/pins/oak-table/related?k=3')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('application/json')
    const body = await json(res)
    expect(body.build).toBe(built.artifacts.manifest.buildId)
    expect(body.pin).toMatchObject({ id: 'oak-table', title: 'Rustic oak table, seats 8' })
    expect(body.related.length).toBeGreaterThan(0)
    expect(body.related.length).toBeLessThanOrEqual(3)
    const ids = body.related.map((r: { id: string }) => r.id)
    expect(ids[0]).toBe('linen-runner')
    expect(ids).not.toContain('oak-table')
    expect(body.related[0].sources.cooc).toBeGreaterThan(0)
    for (let i = 1; i < body.related.length; i++) {
      expect(body.related[i - 1].score).toBeGreaterThanOrEqual(body.related[i].score)
    }
  })

  it('costs one KV read per lookup of a cold shard and none when the shard is cached', async () => {
    // /healthz warms pointer and manifest; the first lookup of a shard then costs exactly one read.
    await worker.fetch('/healthz')
    const first = await worker.fetch('/v1/pins/tomato-seeds/related?k=5')
    expect(first.headers.get('x-kv-reads')).toBe('1')
    const again = await worker.fetch('/v1/pins/tomato-seeds/related?k=6')
    expect(again.headers.get('x-kv-reads')).toBe('0')
  })

  it('sends ETag and Cache-Control, and 304 on a matching If-None-Match', async () => {
    const res = await worker.fetch('/v1/pins/oak-table/related?k=3')
    const etag = res.headers.get('etag')
    expect(etag).toMatch(new RegExp(`^"${built.artifacts.manifest.buildId}-[0-9a-f]+"$`))
    expect(res.headers.get('cache-control')).toContain('s-maxage=')
    const again = await worker.fetch('/v1/pins/oak-table/related?k=3', {
      headers: { 'If-None-Match': etag! },
    })
    expect(again.status).toBe(304)
    const other = await worker.fetch('/v1/pins/oak-table/related?k=4', {
      headers: { 'If-None-Match': etag! },
    })
    expect(other.status).toBe(200)
  })

  it.each([
    ['0', 'k must be an integer from 1 to 100'],
    ['101', 'k must be an integer from 1 to 100'],
    ['abc', 'k must be'],
    ['2.5', 'k must be'],
  ])('rejects k=%s with 400 and the JSON error shape', async (k, message) => {
    const res = await worker.fetch(`/v1/pins/oak-table/related?k=${k}`)
    expect(res.status).toBe(400)
    const body = await json(res)
    expect(body.error.code).toBe('bad_request')
    expect(body.error.message).toContain(message)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('etag')).toBeNull()
  })

  it('returns 404 pin_not_found for an unknown pin with fallback=none', async () => {
    const res = await worker.fetch('/v1/pins/no-such-pin/related?fallback=none')
    expect(res.status).toBe(404)
    expect(await json(res)).toEqual({
      error: { code: 'pin_not_found', message: expect.stringContaining("'no-such-pin'") },
    })
  })

  it('accepts ids with reserved characters when URL-encoded', async () => {
    const res = await worker.fetch(
      `/v1/pins/${encodeURIComponent('<script>alert(1)</script>')}/related?k=2`
    )
    expect(res.status).toBe(200)
    expect((await json(res)).pin.id).toBe('<script>alert(1)</script>')
  })

  it('returns an empty list, not an error, for a known pin without candidates with fallback=none', async () => {
    const body = await json(await worker.fetch('/v1/pins/lonely-pin/related?fallback=none'))
    expect(body.related).toEqual([])
    expect(body.fallback).toBe(false)
  })
})

describe('other routes', () => {
  it('GET /healthz reports the build and counts', async () => {
    const body = await json(await worker.fetch('/healthz'))
    expect(body).toMatchObject({
      status: 'ok',
      build: built.artifacts.manifest.buildId,
      pins: 7,
      formatVersion: FORMAT_VERSION,
    })
    expect(body.sources).toEqual(built.artifacts.manifest.sources)
    expect(body.sources).toEqual(expect.arrayContaining(['cooc', 'pin2vec']))
  })

  it('unknown routes give the JSON 404 shape', async () => {
    const res = await worker.fetch('/nope')
    expect(res.status).toBe(404)
    expect((await json(res)).error.code).toBe('not_found')
  })
})

describe('HTML pages', () => {
  it('renders a pin page with related pins, cache headers and escaped titles', async () => {
    const res = await worker.fetch(`/pins/${encodeURIComponent('<script>alert(1)</script>')}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/html')
    expect(res.headers.get('etag')).toBeTruthy()
    expect(res.headers.get('cache-control')).toContain('stale-while-revalidate')
    const html = await res.text()
    expect(html).not.toContain('<script>alert')
    expect(html).toContain('&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; &amp; friends')
    expect(html).not.toContain('href="javascript:')
    expect(html).not.toContain('src="javascript:')
    expect(html).toContain('Cedar raised bed')
    expect(html).toContain('/pins/raised-bed')
  })

  it('renders the home page with popular pins', async () => {
    const html = await (await worker.fetch('/')).text()
    expect(html).toContain('Popular pins')
    expect(html).toContain('Rustic oak table, seats 8')
  })
})
