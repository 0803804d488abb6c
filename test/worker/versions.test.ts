import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  CURRENT_KEY,
  manifestKey,
  SHARD_HEADER_BYTES,
  shardKey,
  stubManifest,
} from '../../src/core/artifact'
import { DEFAULT_BLEND } from '../../src/core/defaults'
import { shardOf } from '../../src/core/hash'
import { plainBuffer, seedArtifacts } from '../../src/local/miniflare'
import { startWorker, type TestWorker, type TinyBuild, tinyFixture, tinyVariant } from './harness'

const PINS = [
  'oak-table',
  'linen-runner',
  'copper-pan',
  'tomato-seeds',
  'raised-bed',
  '<script>alert(1)</script>',
  'lonely-pin',
]

let a: TinyBuild
let b: TinyBuild
let worker: TestWorker
let broken: TestWorker
const stderr: string[] = []

beforeAll(async () => {
  a = await tinyFixture()
  // Another build of the same data with other blend weights and shard layout: other ids, other answers.
  const p2v = { cooc: 0, pin2vec: 1, session: 0, walk: 0 }
  b = await tinyVariant({
    shardCount: 3,
    blend: {
      ...DEFAULT_BLEND,
      weights: { tail: p2v, torso: p2v, head: p2v },
      origin: 'test: pin2vec only',
    },
  })
  worker = await startWorker(a, { POINTER_TTL_MS: '0', CACHE_API: 'off' })
  await seedArtifacts(worker.mf, b.artifacts) // b's pointer last: b is current
  // A fresh isolate for the broken-shard tests: nothing cached yet, logs captured.
  broken = await startWorker(
    a,
    { POINTER_TTL_MS: '0' },
    {
      handleRuntimeStdio: (out, err) => {
        out.on('data', (d: Buffer) => stderr.push(d.toString()))
        err.on('data', (d: Buffer) => stderr.push(d.toString()))
      },
    }
  )
  await seedArtifacts(broken.mf, b.artifacts)
})
afterAll(async () => {
  await worker?.dispose()
  await broken?.dispose()
})

const answer = async (id: string): Promise<{ build: string; related: unknown }> => {
  const res = await worker.fetch(`/v1/pins/${encodeURIComponent(id)}/related?k=5&dedup=1`)
  expect(res.status).toBe(200)
  const body = (await res.json()) as { build: string; related: unknown }
  return { build: body.build, related: body.related }
}

describe('version switch', () => {
  it('never mixes builds while the pointer flips under running requests', async () => {
    expect(a.artifacts.manifest.buildId).not.toBe(b.artifacts.manifest.buildId)
    const kv = await worker.mf.getKVNamespace('ARTIFACTS')
    const expected = new Map<string, unknown>()
    for (const build of [a, b]) {
      await kv.put(CURRENT_KEY, build.artifacts.manifest.buildId)
      for (const id of PINS) {
        const got = await answer(id)
        expect(got.build).toBe(build.artifacts.manifest.buildId)
        expected.set(`${got.build} ${id}`, got.related)
      }
    }
    expect(expected.get(`${a.artifacts.manifest.buildId} oak-table`)).not.toEqual(
      expected.get(`${b.artifacts.manifest.buildId} oak-table`)
    )
    let flips = 0
    let running = true
    const flipper = (async () => {
      while (running) {
        await kv.put(CURRENT_KEY, (flips++ % 2 ? a : b).artifacts.manifest.buildId)
      }
    })()
    const seen = new Set<string>()
    for (let round = 0; round < 15; round++) {
      const answers = await Promise.all(PINS.map(answer))
      answers.forEach((got, i) => {
        seen.add(got.build)
        expect(got.related).toEqual(expected.get(`${got.build} ${PINS[i]}`))
      })
    }
    running = false
    await flipper
    expect(flips).toBeGreaterThan(2)
    expect(seen.size).toBe(2)
  })
})

describe('a missing or corrupt shard', () => {
  it('answers 503 for the pins of that shard only, and logs the error once', async () => {
    const kv = await broken.mf.getKVNamespace('ARTIFACTS')
    await kv.put(CURRENT_KEY, a.artifacts.manifest.buildId)
    const { manifest } = a.artifacts
    const bad = shardOf('copper-pan', manifest.shardCount)
    // One flipped byte in the stored body: the header is intact, the SHA-256 in it no longer matches.
    const flipped = a.artifacts.shards[bad]!.slice()
    flipped[SHARD_HEADER_BYTES + 3] = (flipped[SHARD_HEADER_BYTES + 3]! + 1) & 255
    await kv.put(shardKey(manifest.buildId, bad), plainBuffer(flipped))
    for (let i = 0; i < 3; i++) {
      const res = await broken.fetch('/v1/pins/copper-pan/related')
      expect(res.status).toBe(503)
      const body = (await res.json()) as { error: { code: string; message: string } }
      expect(body.error.code).toBe('artifacts_unavailable')
      expect(body.error.message).toContain(
        `shard ${bad} of build '${manifest.buildId}' does not match its checksum`
      )
      expect(res.headers.get('cache-control')).toBe('no-store')
    }
    const healthy = PINS.filter((id) => shardOf(id, manifest.shardCount) !== bad)
    expect(healthy.length).toBeGreaterThan(0)
    for (const id of healthy) {
      expect((await broken.fetch(`/v1/pins/${encodeURIComponent(id)}/related`)).status).toBe(200)
    }
    // Context pins in the bad shard are ignored rather than failing the request.
    const res = await broken.fetch(
      `/v1/pins/${encodeURIComponent(healthy[0]!)}/related?context=copper-pan`
    )
    expect(res.status).toBe(200)
    expect(((await res.json()) as { context: { ignored: string[] } }).context.ignored).toEqual([
      'copper-pan',
    ])
    await new Promise((r) => setTimeout(r, 100))
    const logs = stderr
      .join('')
      .split('\n')
      .filter(
        (line) => line.includes('"evt":"artifact_error"') && line.includes(`shard ${bad} of build`)
      )
    expect(logs).toHaveLength(1)
  })

  it('answers 503 when the shard key is missing', async () => {
    const kv = await broken.mf.getKVNamespace('ARTIFACTS')
    const { manifest } = b.artifacts
    await kv.put(CURRENT_KEY, manifest.buildId)
    await kv.delete(shardKey(manifest.buildId, shardOf('raised-bed', manifest.shardCount)))
    const res = await broken.fetch('/v1/pins/raised-bed/related')
    expect(res.status).toBe(503)
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
      'shard_missing'
    )
  })

  it('answers 503 artifacts_unavailable when no build was ever loaded', async () => {
    const empty = await startWorker()
    try {
      const res = await empty.fetch('/v1/pins/oak-table/related')
      expect(res.status).toBe(503)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
        'artifacts_unavailable'
      )
    } finally {
      await empty.dispose()
    }
  })

  it('answers 503 for a shard that is not a shard at all, naming the shard', async () => {
    const kv = await broken.mf.getKVNamespace('ARTIFACTS')
    const { manifest } = b.artifacts
    await kv.put(CURRENT_KEY, manifest.buildId)
    // A pin whose shard the test above did not delete.
    const deleted = shardOf('raised-bed', manifest.shardCount)
    const id = PINS.find((p) => shardOf(p, manifest.shardCount) !== deleted)!
    const bad = shardOf(id, manifest.shardCount)
    await kv.put(shardKey(manifest.buildId, bad), new Uint8Array([1, 2, 3]).buffer)
    const res = await broken.fetch(`/v1/pins/${encodeURIComponent(id)}/related`)
    expect(res.status).toBe(503)
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
      `(shard_invalid): shard ${bad} of build '${manifest.buildId}' is unreadable`
    )
  })
})

describe('format versions', () => {
  it('answers 503 format_version, saying how to fix it, when the pointer names a format-1 build', async () => {
    const kv = await broken.mf.getKVNamespace('ARTIFACTS')
    await kv.put(manifestKey('oldv1build', 1), JSON.stringify({ formatVersion: 1, shards: [] }))
    await kv.put(CURRENT_KEY, 'oldv1build')
    const res = await broken.fetch('/v1/pins/oak-table/related')
    expect(res.status).toBe(503)
    const { error } = (await res.json()) as { error: { code: string; message: string } }
    expect(error.code).toBe('artifacts_unavailable')
    expect(error.message).toContain('(format_version)')
    expect(error.message).toContain('artifact format 1; this worker reads format 3. Rebuild')
  })

  it('names format 2 when the pointer names a format-2 build (its manifest and its v1 stub)', async () => {
    const kv = await broken.mf.getKVNamespace('ARTIFACTS')
    await kv.put(manifestKey('oldv2build', 2), JSON.stringify({ formatVersion: 2, shardCount: 1 }))
    await kv.put(manifestKey('oldv2build', 1), JSON.stringify({ formatVersion: 2, note: '…' }))
    await kv.put(CURRENT_KEY, 'oldv2build')
    const res = await broken.fetch('/v1/pins/oak-table/related')
    expect(res.status).toBe(503)
    const { error } = (await res.json()) as { error: { code: string; message: string } }
    expect(error.code).toBe('artifacts_unavailable')
    expect(error.message).toContain('artifact format 2; this worker reads format 3. Rebuild')
  })

  it('leaves a stub that format-1 and format-2 workers reject with format_version', async () => {
    const kv = await broken.mf.getKVNamespace('ARTIFACTS')
    const { manifest } = b.artifacts
    for (const version of [1, 2]) {
      const stub = JSON.parse((await kv.get(manifestKey(manifest.buildId, version))) as string)
      expect(stub).toEqual(JSON.parse(stubManifest(manifest)))
      // What an earlier reader checks first (src/core/artifact/validate.ts at formats 1 and 2):
      // `x.formatVersion !== 1` (or 2) → ArtifactError('format_version') → 503.
      expect(stub.formatVersion).toBe(3)
      expect(stub.note).toContain('deploy the worker of the same related-pins version')
    }
  })
})
