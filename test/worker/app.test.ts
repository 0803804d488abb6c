import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import {
  type Artifacts,
  CURRENT_KEY,
  kvEntries,
  manifestKey,
  SHARD_HEADER_BYTES,
  shardKey,
} from '../../src/core/artifact'
import { shardOf } from '../../src/core/hash'
import { TINY, tinyFixture } from './harness'

// Fast tests in the style of Hono's own: the app driven through `app.request()` in Node, with an
// in-memory KV seeded from the committed tiny build (test/fixtures/tiny-build). No workerd, no
// pipeline; the workerd suites next to this file cover the real runtime.

/** The part of KVNamespace the worker's store uses. */
class MemoryKv {
  readonly values = new Map<string, Uint8Array | string>()
  reads = 0
  async get(key: string, type: 'text' | 'arrayBuffer'): Promise<string | ArrayBuffer | null> {
    this.reads++
    const v = this.values.get(key)
    if (v === undefined) {
      return null
    }
    if (type === 'text') {
      return typeof v === 'string' ? v : new TextDecoder().decode(v)
    }
    const bytes = typeof v === 'string' ? new TextEncoder().encode(v) : v
    return bytes.slice().buffer
  }
}

type App = { request: (path: string, init: RequestInit, env: unknown) => Promise<Response> }

// Imported by path: src/worker is type-checked in the Workers program (tsconfig.worker.json).
const APP_MODULE = '../../src/worker/app'

let built: Artifacts
let createApp: () => App
/** pins.csv of the fixture inputs: id → [title, image_url, link]. */
let pinsCsv: Map<string, string[]>

const seeded = (artifacts: Artifacts): MemoryKv => {
  const kv = new MemoryKv()
  for (const { key, value } of kvEntries(artifacts)) {
    kv.values.set(key, value)
  }
  return kv
}

const env = (kv: MemoryKv) => ({
  ARTIFACTS: kv,
  CACHE_API: 'off', // no caches.default in Node
  RESPONSE_MEMO: 'off',
  POINTER_TTL_MS: '0',
})

beforeAll(async () => {
  built = (await tinyFixture()).artifacts
  const lines = (await readFile(join(TINY, 'pins.csv'), 'utf8')).trim().split('\n').slice(1)
  pinsCsv = new Map(
    lines.map((line) => {
      const fields = [...line.matchAll(/("([^"]|"")*"|[^,]*)(,|$)/g)]
        .map((m) => m[1]!.replace(/^"|"$/g, '').replace(/""/g, '"'))
        .slice(0, 4)
      return [fields[0]!, fields.slice(1)]
    })
  )
  createApp = ((await import(APP_MODULE)) as { createApp: () => App }).createApp
})

describe('app.request() over the committed tiny build', () => {
  it('answers /healthz with the build of the pointer', async () => {
    const res = await createApp().request('/healthz', {}, env(seeded(built)))
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({
      status: 'ok',
      build: built.manifest.buildId,
      formatVersion: 3,
      pins: built.manifest.pinCount,
    })
  })

  it('returns the title, image and link of every related pin, from one KV read of the shard', async () => {
    const kv = seeded(built)
    const app = createApp()
    await app.request('/healthz', {}, env(kv))
    const res = await app.request('/v1/pins/oak-table/related?k=20', {}, env(kv))
    expect(res.status).toBe(200)
    expect(res.headers.get('x-cache-layer')).toBe('kv')
    const body = (await res.json()) as {
      pin: { id: string; title: string }
      related: { id: string; title: string; imageUrl: string; link: string }[]
    }
    expect(body.pin).toMatchObject({ id: 'oak-table', title: 'Rustic oak table, seats 8' })
    expect(body.related.length).toBeGreaterThan(3)
    for (const r of body.related) {
      const [title, imageUrl, link] = pinsCsv.get(r.id) ?? ['', '', '']
      expect([r.title, r.imageUrl, r.link]).toEqual([title, imageUrl, link])
    }
    const again = await app.request('/v1/pins/oak-table/related?k=5', {}, env(kv))
    expect(again.headers.get('x-cache-layer')).toBe('shard-cache')
    expect(again.headers.get('x-kv-reads')).toBe('1') // the pointer only (TTL 0); the shard is cached
  })

  it('answers 404 pin_not_found without fallback and 400 on a bad k', async () => {
    const app = createApp()
    const kv = seeded(built)
    const missing = await app.request('/v1/pins/nope/related?fallback=none', {}, env(kv))
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('pin_not_found')
    expect((await app.request('/v1/pins/oak-table/related?k=0', {}, env(kv))).status).toBe(400)
  })

  it('answers 503 for the pins of a shard that fails its checksum, and 200 for the others', async () => {
    const kv = seeded(built)
    const { manifest } = built
    const bad = shardOf('oak-table', manifest.shardCount)
    const flipped = built.shards[bad]!.slice()
    flipped[SHARD_HEADER_BYTES] = (flipped[SHARD_HEADER_BYTES]! + 1) & 255
    kv.values.set(shardKey(manifest.buildId, bad), flipped)
    const app = createApp()
    const res = await app.request('/v1/pins/oak-table/related', {}, env(kv))
    expect(res.status).toBe(503)
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
      `(checksum): shard ${bad} of build '${manifest.buildId}' does not match its checksum`
    )
    const other = manifest.popular.find((p) => shardOf(p.id, manifest.shardCount) !== bad)!
    expect(
      (await app.request(`/v1/pins/${encodeURIComponent(other.id)}/related`, {}, env(kv))).status
    ).toBe(200)
  })

  it('answers 503 format_version when the pointer names a format-1 build', async () => {
    const kv = new MemoryKv()
    kv.values.set(CURRENT_KEY, 'old')
    kv.values.set(manifestKey('old', 1), JSON.stringify({ formatVersion: 1 }))
    const res = await createApp().request('/v1/pins/oak-table/related', {}, env(kv))
    expect(res.status).toBe(503)
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
      '(format_version)'
    )
  })

  it('fails an unknown CACHE_ADMISSION as a config error naming the binding', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    try {
      const bad = { ...env(seeded(built)), CACHE_ADMISSION: 'third' }
      const res = await createApp().request('/v1/pins/oak-table/related', {}, bad)
      expect(res.status).toBe(500)
      expect(await res.json()).toEqual({
        error: {
          code: 'config_invalid',
          message: "[config] CACHE_ADMISSION must be 'first' or 'second', got 'third'",
        },
      })
    } finally {
      errors.mockRestore()
    }
  })

  it('fails a bad DEDUP_THRESHOLD binding as one config error: 500 config_invalid, logged once', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    try {
      const app = createApp()
      const bad = { ...env(seeded(built)), DEDUP_THRESHOLD: '2' }
      for (const path of ['/v1/pins/oak-table/related', '/healthz']) {
        const res = await app.request(path, {}, bad)
        expect(res.status).toBe(500)
        expect(await res.json()).toEqual({
          error: {
            code: 'config_invalid',
            message:
              '[config] DEDUP_THRESHOLD must be a number from 0 to 1 with at most 4 decimals, got "2"',
          },
        })
      }
      expect(errors).toHaveBeenCalledTimes(1)
      // A good threshold in another environment is unaffected.
      const good = { ...env(seeded(built)), DEDUP_THRESHOLD: '0.5' }
      expect((await app.request('/v1/pins/oak-table/related', {}, good)).status).toBe(200)
    } finally {
      errors.mockRestore()
    }
  })
})
