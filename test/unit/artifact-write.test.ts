import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  CURRENT_KEY,
  kvWriteOrder,
  manifestKey,
  openShardSync,
  readShardHeader,
} from '../../src/core/artifact'
import { ByteWriter } from '../../src/core/artifact/bytes'
import { DEFAULT_BLEND } from '../../src/core/defaults'
import { planArtifacts } from '../../src/offline/assemble'
import type { Sources } from '../../src/offline/candidate-sources'
import type { PinMeta } from '../../src/offline/inputs'
import { silentLogger } from '../../src/offline/log'
import { createNeighbourLists } from '../../src/offline/neighbour-lists'
import { inlineSealer, startSealPool } from '../../src/offline/seal-pool'
import { NODE_SHARD_READ } from '../../src/offline/shard-codecs'
import {
  BulkWriter,
  KV_BULK_LIMITS,
  kvBulkFiles,
  readArtifacts,
  readKvBulk,
  shardFile,
  writeBuild,
} from '../../src/offline/write'

/** A catalog of n pins where pin i's co-occurrence neighbours are i+1..i+5 (mod n). */
function catalog(n: number): { ids: string[]; meta: PinMeta; sources: Sources } {
  const ids = Array.from({ length: n }, (_, i) => `pin-${String(i).padStart(6, '0')}`)
  const cooc = createNeighbourLists(n, 5)
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < 5; r++) {
      cooc.indices[i * 5 + r] = (i + r + 1) % n
      cooc.scores[i * 5 + r] = 1 - r / 10
    }
    cooc.counts[i] = 5
  }
  const meta = {
    title: ids.map((id) => `Title of ${id}`),
    imageUrl: ids.map((id) => `https://img.example/${id}.jpg`),
    link: ids.map((id) => `https://example.com/${id}`),
  } as unknown as PinMeta
  const sources = {
    pinCount: n,
    engagement: Int32Array.from(ids, (_, i) => (i * 7) % 50),
    recentEngagement: Int32Array.from(ids, (_, i) => (i * 3) % 7),
    boardDegree: new Int32Array(n),
    cooc,
    walk: null,
    session: null,
    pin2vec: null,
    sessions: null,
    stats: {},
    timings: {},
  } as Sources
  return { ids, meta, sources }
}

const options = {
  pinsPerShard: 4,
  popularCount: 10,
  vectorDtype: 'int8' as const,
  maxCandidates: 3,
  maxShardBytes: 32 * 1024,
}

describe('streaming build output', () => {
  it('writes kv-bulk files within injected pair and byte limits, in write order, pointer last', async () => {
    const { ids, meta, sources } = catalog(200)
    const dir = await mkdtemp(join(tmpdir(), 'rp-write-'))
    const limits = { maxPairs: 7, maxBytes: 4000 }
    const plan = planArtifacts(ids, meta, sources, options, DEFAULT_BLEND)
    const { manifest, stats } = await writeBuild(plan, dir, { limits, log: silentLogger })
    expect(stats.shards).toBe(50)
    const files = await kvBulkFiles(dir)
    expect(files.length).toBeGreaterThan(50 / 7)
    const keys: string[] = []
    for (const file of files) {
      expect((await stat(file)).size).toBeLessThanOrEqual(limits.maxBytes)
      const parsed = JSON.parse(await readFile(file, 'utf8')) as { key: string }[] // valid JSON
      expect(parsed.length).toBeGreaterThan(0)
      expect(parsed.length).toBeLessThanOrEqual(limits.maxPairs)
      const streamed: string[] = []
      for await (const pair of readKvBulk(file)) {
        streamed.push(pair.key)
        // The metadata's checksum is of the value stored (the build hashes each shard once).
        const value = pair.base64 ? Buffer.from(pair.value, 'base64') : pair.value
        expect(pair.metadata.sha256).toBe(createHash('sha256').update(value).digest('hex'))
        expect(pair.metadata.build).toBe(manifest.buildId)
      }
      expect(streamed).toEqual(parsed.map((p) => p.key))
      keys.push(...streamed)
    }
    expect(keys).toEqual([...kvWriteOrder(manifest)].map((item) => item.key))
    expect(keys.at(-1)).toBe(CURRENT_KEY)
    expect(keys.at(-2)).toBe(manifestKey(manifest.buildId))
    // Every shard round-trips, checksum verified, and each pin's record is where the hash says.
    const back = await readArtifacts(dir)
    expect(back.manifest.buildId).toBe(manifest.buildId)
    let records = 0
    back.shards.forEach((value, index) => {
      const reader = openShardSync(
        value,
        { index, shardCount: 50, shardTag: manifest.shardTag },
        NODE_SHARD_READ
      )
      records += reader.size
      for (const id of reader.ids()) {
        const record = reader.get(id)!
        expect(record.candidates.length).toBe(3) // capped at maxCandidates
        for (const c of record.candidates) {
          expect(c.pin.title).toBe(`Title of ${c.pin.id}`)
          expect(c.pin.imageUrl).toBe(`https://img.example/${c.pin.id}.jpg`)
          expect(c.pin.link).toBe(`https://example.com/${c.pin.id}`)
        }
      }
    })
    expect(records).toBe(200)
  })

  it('encodes records only for the selected pins, with the same records as a full plan', () => {
    const { ids, meta, sources } = catalog(120)
    const recordsFor = Uint8Array.from(ids, (_, i) => (i % 3 === 0 ? 1 : 0))
    const full = planArtifacts(ids, meta, sources, options, DEFAULT_BLEND)
    const some = planArtifacts(ids, meta, sources, options, DEFAULT_BLEND, { recordsFor })
    const open = (value: Uint8Array, index: number) =>
      openShardSync(value, { index, shardCount: 30, shardTag: full.body.shardTag }, NODE_SHARD_READ)
    const fullShards = [...full.shards()]
    const seen: string[] = []
    for (const shard of some.shards()) {
      const reader = open(shard.value, shard.index)
      const whole = open(fullShards[shard.index]!.value, shard.index)
      for (const id of reader.ids()) {
        seen.push(id)
        expect(reader.get(id)).toEqual(whole.get(id))
      }
    }
    expect(seen.sort()).toEqual(ids.filter((_, i) => i % 3 === 0))
  })

  it('gives the same build id for the same inputs, and trims crowded shards to the byte budget', async () => {
    const { ids, meta, sources } = catalog(60)
    const a = await writeBuild(
      planArtifacts(ids, meta, sources, options, DEFAULT_BLEND),
      await mkdtemp(join(tmpdir(), 'rp-write-')),
      { log: silentLogger }
    )
    const b = await writeBuild(
      planArtifacts(ids, meta, sources, options, DEFAULT_BLEND),
      await mkdtemp(join(tmpdir(), 'rp-write-')),
      { log: silentLogger }
    )
    expect(a.manifest.buildId).toBe(b.manifest.buildId)
    const tight = { ...options, pinsPerShard: 30, maxCandidates: 5, maxShardBytes: 1200 }
    const dir = await mkdtemp(join(tmpdir(), 'rp-write-'))
    const trimmed = await writeBuild(planArtifacts(ids, meta, sources, tight, DEFAULT_BLEND), dir, {
      log: silentLogger,
    })
    expect(trimmed.stats.maxShardBytes).toBeLessThanOrEqual(1200)
    expect(trimmed.stats.trimmedCandidates).toBeGreaterThan(0)
    const back = await readArtifacts(dir)
    expect(back.shards.reduce((n, s) => n + readShardHeader(s).recordCount, 0)).toBe(60) // no pin lost
  })

  it('keeps the manifest the same size whatever the number of pins', async () => {
    const sizes: number[] = []
    for (const n of [100, 5_000]) {
      const { ids, meta, sources } = catalog(n)
      const dir = await mkdtemp(join(tmpdir(), 'rp-write-'))
      const { stats } = await writeBuild(
        planArtifacts(ids, meta, sources, options, DEFAULT_BLEND),
        dir,
        {
          log: silentLogger,
        }
      )
      sizes.push(stats.manifestBytes)
    }
    // Only the digits of pinCount and shardCount differ.
    expect(Math.abs(sizes[1]! - sizes[0]!)).toBeLessThanOrEqual(6)
  })
})

describe('parallel shard sealing', () => {
  // Titles outside ASCII take ByteWriter's TextEncoder path; the tight budget makes some shards
  // re-encode with fewer candidates after their first (threaded) sealing.
  function unicodeCatalog(n: number) {
    const c = catalog(n)
    const title = c.meta.title as string[]
    for (let i = 0; i < n; i += 3) {
      title[i] = `Crème brûlée ${i} 🍮 ${i % 2 ? '\ud800' : 'naïve'}`
    }
    return c
  }
  const tight = { ...options, pinsPerShard: 6, maxCandidates: 5, maxShardBytes: 850 }

  it('writes the same shard bytes and build id on 2 threads, inline, and with the serial encoder', async () => {
    const { ids, meta, sources } = unicodeCatalog(240)
    const plan = () => planArtifacts(ids, meta, sources, tight, DEFAULT_BLEND)
    const serial = [...plan().shards()]
    expect(serial.some((s) => s.trimmedCandidates > 0)).toBe(true)
    const builds = []
    for (const threads of [2, 0]) {
      const dir = await mkdtemp(join(tmpdir(), 'rp-write-threads-'))
      const out = await writeBuild(plan(), dir, { log: silentLogger, threads })
      const files = await readdir(join(dir, 'shards'))
      expect(files.length).toBe(serial.length)
      for (const shard of serial) {
        const written = new Uint8Array(await readFile(shardFile(dir, shard.index)))
        expect(Buffer.compare(written, shard.value)).toBe(0)
      }
      builds.push(out)
    }
    expect(builds[0]!.manifest.buildId).toBe(builds[1]!.manifest.buildId)
    expect({ ...builds[0]!.stats }).toEqual({ ...builds[1]!.stats })
    expect(builds[0]!.stats.trimmedCandidates).toBe(
      serial.reduce((a, s) => a + s.trimmedCandidates, 0)
    )
  })

  it('gives the same shards from sealedShards on a pool as from shards(), in index order, per slice', async () => {
    const { ids, meta, sources } = unicodeCatalog(90)
    const plan = planArtifacts(ids, meta, sources, tight, DEFAULT_BLEND)
    const slice = { index: 1, count: 3 }
    const serial = [...plan.shards(slice)]
    const pool = startSealPool(2)
    try {
      const sealed = []
      for await (const shard of plan.sealedShards(pool, slice)) {
        sealed.push(shard)
      }
      expect(sealed.map((s) => s.index)).toEqual(serial.map((s) => s.index))
      expect(sealed).toEqual(serial)
      const inline = []
      for await (const shard of plan.sealedShards(inlineSealer, slice)) {
        inline.push(shard)
      }
      expect(inline).toEqual(serial)
    } finally {
      await pool.close()
    }
  })

  it('rejects a thread count that is not a non-negative integer', () => {
    expect(() => startSealPool(-1)).toThrow(/write threads/)
    expect(() => startSealPool(1.5)).toThrow(/write threads/)
  })
})

describe('ByteWriter.string', () => {
  it('writes the bytes TextEncoder gives, ASCII or not', () => {
    const encoder = new TextEncoder()
    for (const s of [
      '',
      'pin-000001',
      'https://img.example/a b?c=1',
      'é',
      'Crème 🍮',
      'a\ud800b',
      '\udfff',
      '\x7f\x80',
    ]) {
      const w = new ByteWriter()
      w.string(s)
      const bytes = encoder.encode(s)
      const expected = new ByteWriter()
      expected.varint(bytes.length)
      expected.bytes(bytes)
      expect([...w.finish()]).toEqual([...expected.finish()])
    }
    const long = 'x'.repeat(5000) // longer than the writer's first buffer, two-byte length
    const w = new ByteWriter()
    w.string(long)
    expect(w.finish().length).toBe(5002)
  })
})

describe('BulkWriter', () => {
  it('writes files of several 1 MiB chunks that parse back to every pair in order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rp-bulk-'))
    const writer = new BulkWriter(dir, { ...KV_BULK_LIMITS, maxBytes: 3_000_000 })
    const pairs = Array.from({ length: 600 }, (_, i) => ({
      key: `k${i}`,
      value: `${i}:${'v'.repeat(9_000 + (i % 7))}"\\`,
      metadata: { sha256: String(i), build: 'b' },
    }))
    for (const pair of pairs) {
      await writer.add(pair)
    }
    await writer.close()
    expect(writer.files.length).toBe(2) // 5.4 MB over files of at most 3 MB
    const back: unknown[] = []
    for (const file of writer.files) {
      expect((await stat(file)).size).toBeLessThanOrEqual(3_000_000)
      back.push(...(JSON.parse(await readFile(file, 'utf8')) as unknown[]))
    }
    expect(back).toEqual(pairs)
  })
})
