import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWorker, type TestWorker, type TinyBuild, tinyFixture } from './harness'

const HOSTILE = '<script>alert(1)</script>'
const SITE = `<!doctype html><html><head><title>Shop</title></head><body>
<h1>Our oak table</h1>
<div data-related-pins="oak-table" data-k="2">loading…</div>
<div data-related-pins="${HOSTILE.replace(/</g, '&lt;').replace(/>/g, '&gt;')}"></div>
<div data-related-pins="no-such-pin" data-k="1"></div>
<div data-related-pins="" id="empty">untouched</div>
<p data-related-pins="oak-table" id="not-a-div">untouched</p>
</body></html>`

let built: TinyBuild
let worker: TestWorker
let origin: Server
let originUrl: string
const originRequests: string[] = []

beforeAll(async () => {
  origin = createServer((req, res) => {
    originRequests.push(`${req.method} ${req.url}`)
    if (req.url === '/plain.txt') {
      res
        .writeHead(200, { 'content-type': 'text/plain' })
        .end('<div data-related-pins="oak-table"></div>')
      return
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', etag: '"origin"' }).end(SITE)
  })
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve))
  originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`
  built = await tinyFixture()
  worker = await startWorker(built, { ORIGIN_URL: originUrl })
})
afterAll(async () => {
  await worker?.dispose()
  await new Promise((resolve) => origin?.close(resolve))
})

describe('fragment', () => {
  it('renders a self-contained related-pins section with links, escaped strings and cache headers', async () => {
    const res = await worker.fetch('/fragments/pins/raised-bed/related?k=5')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/html')
    expect(res.headers.get('etag')).toMatch(new RegExp(`^"${built.artifacts.manifest.buildId}-`))
    expect(res.headers.get('cache-control')).toContain('s-maxage=')
    const html = await res.text()
    expect(html.startsWith('<section class="rp-related"')).toBe(true)
    expect(html).toContain('<style>')
    expect(html).toContain(`href="/pins/${encodeURIComponent(HOSTILE)}"`)
    expect(html).toContain('&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; &amp; friends')
    expect(html).not.toContain('<script')
    expect(html).not.toContain('javascript:')
    expect(html).toContain('data-fallback="false"')
  })

  it('falls back to popular pins for an unknown pin, and 304s on its ETag', async () => {
    const res = await worker.fetch('/fragments/pins/no-such-pin/related')
    const html = await res.text()
    expect(html).toContain('data-fallback="true"')
    expect(html).toContain('Popular pins')
    expect(html).toContain('Rustic oak table, seats 8')
    const again = await worker.fetch('/fragments/pins/no-such-pin/related', {
      headers: { 'If-None-Match': res.headers.get('etag')! },
    })
    expect(again.status).toBe(304)
  })

  it('renders the oak table image from its https URL only', async () => {
    const html = await (await worker.fetch('/pins/oak-table')).text()
    expect(html).toContain('src="https://img.example/oak.jpg"')
    expect(html).toContain('href="https://shop.example/oak"')
    expect(html).toContain('class="rp-related"')
  })
})

describe('injection mode (ORIGIN_URL)', () => {
  it('proxies other paths to the origin and fills every div[data-related-pins] with the fragment', async () => {
    const res = await worker.fetch('/products/oak?x=1')
    expect(res.status).toBe(200)
    expect(originRequests).toContain('GET /products/oak?x=1')
    expect(res.headers.get('etag')).toBeNull()
    expect(res.headers.get('x-related-pins-build')).toBe(built.artifacts.manifest.buildId)
    const html = await res.text()
    expect(html).toContain('<h1>Our oak table</h1>')
    expect(html).not.toContain('loading…')
    const oak = html.slice(
      html.indexOf('data-related-pins="oak-table"'),
      html.indexOf('data-related-pins="&lt;')
    )
    expect(oak).toContain('Linen table runner')
    expect(oak.match(/class="card"/g)).toHaveLength(2)
    // The hostile id is read from the attribute, looked up as data, and written back escaped.
    expect(html).toContain('&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; &amp; friends')
    expect(html).not.toContain('<script')
    expect(html).toContain('data-fallback="true"') // unknown pin: popular fallback
    expect(html).toContain('<div data-related-pins="" id="empty">untouched</div>')
    expect(html).toContain('<p data-related-pins="oak-table" id="not-a-div">untouched</p>')
  })

  it('passes non-HTML answers through untouched', async () => {
    const res = await worker.fetch('/plain.txt')
    expect(await res.text()).toBe('<div data-related-pins="oak-table"></div>')
  })

  it('still answers its own routes itself', async () => {
    const before = originRequests.length
    expect((await worker.fetch('/v1/pins/oak-table/related?k=1')).status).toBe(200)
    expect((await worker.fetch('/healthz')).status).toBe(200)
    expect((await worker.fetch('/fragments/pins/oak-table/related')).status).toBe(200)
    expect(originRequests.length).toBe(before)
  })

  it('only ever fetches the configured origin', async () => {
    // `new URL('//evil.example/steal', origin)` would leave the origin; the proxy must not.
    const res = await fetch(`${worker.url.origin}//evil.example/steal`)
    expect(res.status).toBe(200)
    expect(originRequests.at(-1)).toBe('GET //evil.example/steal')
  })

  it('answers 502 origin_unreachable in the JSON shape when the origin is down', async () => {
    const w = await startWorker(built, { ORIGIN_URL: 'http://127.0.0.1:9' })
    try {
      const res = await w.fetch('/anything')
      expect(res.status).toBe(502)
      expect((await res.json()) as unknown).toEqual({
        error: { code: 'origin_unreachable', message: expect.any(String) },
      })
    } finally {
      await w.dispose()
    }
  })
})
