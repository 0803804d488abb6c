import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/program'
import { CURRENT_KEY } from '../../src/core/artifact'
import { DEFAULT_BLEND } from '../../src/core/defaults'
import { kvPersistDir, openLocalKv } from '../../src/local/upload/local-kv'
import {
  buildsToDelete,
  chunkEntries,
  encodedSize,
  freePlanCost,
  planUpload,
  type UploadEntry,
} from '../../src/local/upload/plan'
import { artifactsSource, runUpload } from '../../src/local/upload/run'
import { cloudflareTarget, type KvTarget, miniflareTarget } from '../../src/local/upload/targets'
import { startWorker, type TinyBuild, tinyFixture, tinyVariant } from './harness'

const entry = (
  key: string,
  phase: UploadEntry['phase'],
  bytes: number,
  sha = 'x'
): UploadEntry => ({
  key,
  phase,
  value: new Uint8Array(bytes),
  metadata: { sha256: sha, build: 'b' },
})

describe('upload plan (pure)', () => {
  it('chunks by pair count and by encoded bytes, keeping order', () => {
    const many = Array.from({ length: 25_001 }, (_, i) => entry(`k${i}`, 'shards', 1))
    const chunks = chunkEntries(many, { maxPairs: 10_000, maxBytes: 100_000_000 })
    expect(chunks.map((c) => c.length)).toEqual([10_000, 10_000, 5_001])
    expect(chunks.flat().map((e) => e.key)).toEqual(many.map((e) => e.key))
    const big = Array.from({ length: 5 }, (_, i) => entry(`b${i}`, 'shards', 30_000_000))
    const byBytes = chunkEntries(big, { maxPairs: 10_000, maxBytes: 100_000_000 })
    expect(byBytes.map((c) => c.length)).toEqual([2, 2, 1]) // 3 × 40 MB of base64 would exceed 100 MB
    for (const c of byBytes) {
      expect(c.reduce((a, e) => a + encodedSize(e), 0)).toBeLessThanOrEqual(100_000_000)
    }
    expect(() =>
      chunkEntries([entry('huge', 'shards', 80_000_000)], { maxPairs: 10, maxBytes: 100_000_000 })
    ).toThrow(/over the 100000000-byte bulk limit/)
  })

  it('orders shards, manifest, pointer and skips keys already present with the same checksum', () => {
    const entries = [
      entry('p', 'pointer', 1, 'P'),
      entry('m', 'manifest', 1, 'M'),
      entry('s1', 'shards', 1, 'A'),
      entry('s2', 'shards', 1, 'B'),
    ]
    const plan = planUpload(
      'b',
      entries,
      new Map([
        ['s1', 'A'],
        ['s2', 'stale'],
        ['m', 'M'],
      ])
    )
    expect(plan.phases.map((p) => p.phase)).toEqual(['shards', 'manifest', 'pointer'])
    expect(plan.phases.map((p) => p.chunks.flat().map((e) => e.key))).toEqual([['s2'], [], ['p']])
    expect(plan.skipped).toEqual(['s1', 'm'])
    expect(plan.writes).toBe(2)
  })

  it('keeps the build being uploaded plus the newest N-1 others', () => {
    const builds = ['2026-01-01', '2026-03-01', '2026-02-01', '2026-04-01'].map((d, i) => ({
      buildId: `b${i}`,
      createdAt: d,
      keys: [],
    }))
    expect(buildsToDelete(builds, 2, 'new').map((b) => b.buildId)).toEqual(['b1', 'b2', 'b0'])
    expect(buildsToDelete(builds, 2, 'b0').map((b) => b.buildId)).toEqual(['b1', 'b2'])
    expect(buildsToDelete(builds, 1, 'b1').map((b) => b.buildId)).toEqual(['b3', 'b2', 'b0'])
  })

  it('prices the plan against the free plan', () => {
    expect(freePlanCost(130, 20)).toBe(
      "150 KV writes+deletes: 15.0% of the free plan's 1000 writes/day"
    )
    expect(freePlanCost(2500, 0)).toContain('3 days of quota')
  })

  it('speaks the Cloudflare bulk REST API (requests recorded, no network)', async () => {
    const calls: { url: string; method: string; body: unknown }[] = []
    const target = cloudflareTarget({
      accountId: 'acc',
      namespaceId: 'ns',
      apiToken: 'token',
      fetch: (async (url: string, init: RequestInit) => {
        calls.push({
          url,
          method: init.method ?? 'GET',
          body: init.body ? JSON.parse(String(init.body)) : undefined,
        })
        const page =
          url.includes('/keys?') && !url.includes('cursor=')
            ? { result: [{ name: 'k1', metadata: { sha256: 'a' } }], result_info: { cursor: 'c2' } }
            : { result: [], result_info: { cursor: '' } }
        return new Response(JSON.stringify({ success: true, ...page }), { status: 200 })
      }) as typeof fetch,
    })
    expect(await target.list('related-pins/')).toEqual([{ key: 'k1', metadata: { sha256: 'a' } }])
    await target.putBulk([
      entry('s', 'shards', 3, 'h'),
      { ...entry('m', 'manifest', 0, 'm'), value: '{"a":1}' },
    ])
    await target.deleteBulk(['old'])
    expect(
      calls.map(
        (c) =>
          `${c.method} ${c.url.replace('https://api.cloudflare.com/client/v4/accounts/acc/storage/kv/namespaces/ns', '')}`
      )
    ).toEqual([
      'GET /keys?prefix=related-pins%2F&limit=1000',
      'GET /keys?prefix=related-pins%2F&limit=1000&cursor=c2',
      'PUT /bulk',
      'POST /bulk/delete',
    ])
    expect(calls[2]!.body).toEqual([
      { key: 's', value: 'AAAA', base64: true, metadata: { sha256: 'h', build: 'b' } },
      { key: 'm', value: '{"a":1}', metadata: { sha256: 'm', build: 'b' } },
    ])
    expect(calls[3]!.body).toEqual(['old'])
  })
})

describe('upload --local (persisted Miniflare KV)', () => {
  let a: TinyBuild
  let b: TinyBuild
  let persistTo: string

  beforeAll(async () => {
    a = await tinyFixture()
    const p2v = { cooc: 0, pin2vec: 1, session: 0, walk: 0 }
    b = await tinyVariant({
      blend: { ...DEFAULT_BLEND, weights: { tail: p2v, torso: p2v, head: p2v }, origin: 'test' },
    })
    persistTo = await mkdtemp(join(tmpdir(), 'rp-upload-'))
  })
  const dir = (r: TinyBuild): string =>
    (r.files.find((f) => f.endsWith('manifest.json')) as string).replace(/manifest\.json$/, '')

  it('--dry-run prints the plan and writes nothing', async () => {
    const lines: string[] = []
    const { kv, dispose } = await openLocalKv(persistTo, 'ns-test')
    try {
      const result = await runUpload(artifactsSource(a.artifacts), miniflareTarget(kv, 'test'), {
        dryRun: true,
        log: (l) => lines.push(l),
      })
      expect(result.written).toBe(0)
      // shards, the v1 and v2 stub manifests, the manifest and the pointer
      expect(result.plan.writes).toBe(a.artifacts.manifest.shardCount + 4)
      expect(lines.join('\n')).toContain(`${result.plan.writes} KV writes+deletes`)
      expect((await kv.list()).keys).toEqual([])
    } finally {
      await dispose()
    }
  })

  it('resumes an interrupted upload, writing only what is missing, pointer last', async () => {
    const { kv, dispose } = await openLocalKv(persistTo, 'ns-test')
    try {
      const real = miniflareTarget(kv, 'test')
      const order: string[] = []
      let calls = 0
      const flaky: KvTarget = {
        ...real,
        async putBulk(entries) {
          if (++calls === 2) {
            throw new Error('network down')
          }
          order.push(...entries.map((e) => e.key))
          await real.putBulk(entries)
        },
      }
      const limits = { maxPairs: 1, maxBytes: 100_000_000 }
      await expect(
        runUpload(artifactsSource(a.artifacts), flaky, {
          dryRun: false,
          limits,
          log: () => undefined,
        })
      ).rejects.toThrow('network down')
      expect(await kv.get(CURRENT_KEY)).toBeNull() // the pointer is never written before the build is complete
      const again = await runUpload(artifactsSource(a.artifacts), flaky, {
        dryRun: false,
        limits,
        log: () => undefined,
      })
      expect(again.plan.skipped).toBe(1)
      // All but the first shard: the other shards, two stubs, the manifest, the pointer.
      expect(again.written).toBe(a.artifacts.manifest.shardCount + 3)
      expect(order.at(-1)).toBe(CURRENT_KEY)
      expect(order.at(-2)).toMatch(/\/manifest$/)
      const third = await runUpload(artifactsSource(a.artifacts), real, {
        dryRun: false,
        log: () => undefined,
      })
      expect(third.written).toBe(0)
    } finally {
      await dispose()
    }
  })

  it('runs as the CLI command, switches builds, deletes with --keep, and the worker serves it', async () => {
    await runCli([
      'upload',
      '--artifacts',
      dir(b),
      '--local',
      '--persist-to',
      persistTo,
      '--namespace-id',
      'ns-test',
      '--keep',
      '1',
    ])
    const { kv, dispose } = await openLocalKv(persistTo, 'ns-test')
    try {
      expect(await kv.get(CURRENT_KEY)).toBe(b.artifacts.manifest.buildId)
      const keys = (await kv.list()).keys.map((k) => k.name)
      expect(keys.some((k) => k.includes(a.artifacts.manifest.buildId))).toBe(false)
      // Shards, the v1 and v2 stubs, the manifest.
      expect(keys.filter((k) => k.includes(b.artifacts.manifest.buildId))).toHaveLength(
        b.artifacts.manifest.shardCount + 3
      )
    } finally {
      await dispose()
    }
    const worker = await startWorker(
      undefined,
      {},
      { kvPersist: kvPersistDir(persistTo), kvNamespaceId: 'ns-test' }
    )
    try {
      const body = (await (await worker.fetch('/v1/pins/oak-table/related?k=3')).json()) as {
        build: string
        related: unknown[]
      }
      expect(body.build).toBe(b.artifacts.manifest.buildId)
      expect(body.related.length).toBeGreaterThan(0)
    } finally {
      await worker.dispose()
    }
  })
})
