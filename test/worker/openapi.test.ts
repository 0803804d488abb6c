import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWorker, type TestWorker, tinyFixture } from './harness'

let worker: TestWorker
let debugOff: TestWorker

beforeAll(async () => {
  const built = await tinyFixture()
  worker = await startWorker(built, { DEBUG: '1' })
  debugOff = await startWorker(built)
})
afterAll(async () => {
  await worker?.dispose()
  await debugOff?.dispose()
})

type OpenApi = { openapi: string; paths: Record<string, Record<string, unknown>> }
type OpenApiDoc = {
  paths: Record<
    string,
    {
      get?: {
        parameters?: {
          name: string
          in: string
          schema: { type?: string; minimum?: number; maximum?: number }
        }[]
      }
    }
  >
}
const documented = (doc: OpenApi): string[] =>
  Object.entries(doc.paths)
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
    .sort()

describe('/v1/openapi.json', () => {
  it('describes exactly the routes the app registers', async () => {
    const doc = (await (await worker.fetch('/v1/openapi.json')).json()) as OpenApi
    expect(doc.openapi).toBe('3.1.0')
    const routes = (await (await worker.fetch('/__debug/routes')).json()) as {
      method: string
      path: string
    }[]
    const registered = routes.map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`).sort()
    expect(registered).toEqual(documented(doc))
  })

  it('matches docs/api.md, which names every documented route', async () => {
    const doc = (await (await worker.fetch('/v1/openapi.json')).json()) as OpenApi
    const md = await readFile(join(import.meta.dirname, '..', '..', 'docs', 'api.md'), 'utf8')
    for (const route of documented(doc)) {
      const [method, path] = route.split(' ')
      expect(md, route).toContain(`${method} ${path!.replace(/\{(\w+)\}/g, ':$1')}`)
    }
  })

  it('validates exactly the integer bounds it documents, on every related-pins route', async () => {
    const doc = (await (await worker.fetch('/v1/openapi.json')).json()) as OpenApiDoc
    const pin = encodeURIComponent('oak-table')
    let checked = 0
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const param of ops.get?.parameters ?? []) {
        const { minimum, maximum, type } = param.schema
        if (param.in !== 'query' || type !== 'integer') {
          continue
        }
        const url = (value: number) =>
          `${path.replace('{id}', pin)}?${path === '/v1/related' ? 'pins=oak-table&' : ''}${param.name}=${value}`
        for (const [value, status] of [
          [minimum!, 200],
          [maximum!, 200],
          [minimum! - 1, 400],
          [maximum! + 1, 400],
        ] as const) {
          expect((await worker.fetch(url(value))).status, url(value)).toBe(status)
          checked++
        }
      }
    }
    expect(checked).toBe(4 * 4) // k on the four GET related-pins routes
  })

  it('keeps the debug routes off unless DEBUG=1', async () => {
    for (const path of ['/__debug/routes', '/__debug/hello', '/__debug/cpu?pins=oak-table']) {
      const res = await debugOff.fetch(path)
      expect(res.status).toBe(404)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found')
    }
    expect(await (await worker.fetch('/__debug/hello')).text()).toBe('hello')
    expect((await debugOff.fetch('/__debug/kv-read/oak-table')).status).toBe(404)
  })

  it('times the miss path of a pin on /__debug/miss-cpu from its raw shard value', async () => {
    const res = await worker.fetch('/__debug/miss-cpu?pins=oak-table&reps=2')
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      reps: number
      samples: { pin: string; ms: number; shardBytes: number; parts: Record<string, number> }[]
    }
    expect(body.reps).toBe(2)
    expect(body.samples.map((s) => s.pin)).toEqual(['oak-table'])
    expect(body.samples[0]!.shardBytes).toBeGreaterThan(72)
    expect(body.samples[0]!.ms).toBeGreaterThanOrEqual(0)
    // Each part of the miss path timed on its own, for the bench's breakdown.
    const parts = body.samples[0]!.parts
    expect(Object.keys(parts)).toEqual(['verify', 'inflate', 'decode', 'rank', 'json'])
    for (const ms of Object.values(parts)) {
      expect(ms).toBeGreaterThanOrEqual(0)
    }
  })

  it("reads a pin's shard value from KV alone on /__debug/kv-read (the edge bench's KV cost)", async () => {
    const res = await worker.fetch('/__debug/kv-read/oak-table')
    expect(res.status).toBe(200)
    const body = (await res.json()) as { key: string; bytes: number }
    expect(body.key).toMatch(/\/shard\/\d+$/)
    expect(body.bytes).toBeGreaterThan(72) // a shard header and a body
    expect(res.headers.get('X-KV-Reads')).toBe('1')
    expect(res.headers.get('X-KV-Bytes')).toBe(String(body.bytes))
    expect(res.headers.get('X-Cache-Layer')).toBe('kv')
  })
})
