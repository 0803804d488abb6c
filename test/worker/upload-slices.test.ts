import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { serveArtifacts } from '../../src/cli/commands/serve'
import { runCli } from '../../src/cli/program'
import { CURRENT_KEY } from '../../src/core/artifact'
import { kvPersistDir, openLocalKv } from '../../src/local/upload/local-kv'
import {
  buildFromCandidates,
  type FromCandidatesResult,
} from '../../src/offline/candidates/build-from'
import { buildOptions } from '../../src/offline/config'
import { silentLogger } from '../../src/offline/log'
import { runBuild } from '../../src/offline/pipeline'
import { kvBulkFiles } from '../../src/offline/write'
import { startWorker, TINY } from './harness'

const OPTIONS = buildOptions({
  blend: { holdout: 0 },
  pin2vec: { epochs: 2, dims: 8 },
  assemble: { pinsPerShard: 1 },
})
const PINS = [
  'oak-table',
  'linen-runner',
  'copper-pan',
  'tomato-seeds',
  'raised-bed',
  '<script>alert(1)</script>',
  'lonely-pin',
]

describe('upload of a sliced build: slices independently, pointer last', () => {
  let dir = ''
  let persistTo = ''
  const parts: FromCandidatesResult[] = []
  const part = (i: number): string => join(dir, `part${i}`)
  const upload = (artifacts: string, ns: string, ...flags: string[]) =>
    runCli([
      'upload',
      '--artifacts',
      artifacts,
      '--local',
      '--persist-to',
      persistTo,
      '--namespace-id',
      ns,
      ...flags,
    ])
  async function keys(ns: string): Promise<{ names: string[]; pointer: string | null }> {
    const { kv, dispose } = await openLocalKv(persistTo, ns)
    try {
      return {
        names: (await kv.list()).keys.map((k) => k.name),
        pointer: await kv.get(CURRENT_KEY),
      }
    } finally {
      await dispose()
    }
  }

  beforeAll(async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    dir = await mkdtemp(join(tmpdir(), 'rp-upload-slices-'))
    persistTo = join(dir, 'state')
    await runBuild(
      {
        inputs: {
          boards: join(TINY, 'boards.csv'),
          events: join(TINY, 'events.csv'),
          pins: join(TINY, 'pins.csv'),
        },
        out: join(dir, 'build'),
        options: OPTIONS,
        writeCandidates: true,
      },
      silentLogger
    )
    for (let i = 0; i < 3; i++) {
      parts.push(
        await buildFromCandidates(
          {
            dir: join(dir, 'build', 'candidates'),
            pins: join(TINY, 'pins.csv'),
            out: part(i),
            options: OPTIONS,
            slice: { index: i, count: 3 },
          },
          silentLogger
        )
      )
    }
  }, 120_000)
  afterAll(async () => {
    vi.restoreAllMocks()
    await rm(dir, { recursive: true, force: true })
  })

  it('--shards-only per slice, --pointer-only once every shard is in, and the worker serves it', async () => {
    const id = parts[0]!.manifest.buildId
    await upload(part(1), 'ns-a', '--shards-only')
    let kv = await keys('ns-a')
    expect(kv.names.sort()).toEqual([
      `related-pins/v3/${id}/shard/1`,
      `related-pins/v3/${id}/shard/4`,
    ])
    expect(kv.pointer).toBeNull()
    // Switching before every slice is up is refused, and changes nothing.
    await expect(upload(part(0), 'ns-a', '--pointer-only')).rejects.toThrow(
      `upload --pointer-only: KV holds 2 of the 7 shards of build ${id} (missing 0, 2, 3, 5, 6)`
    )
    expect((await keys('ns-a')).pointer).toBeNull()
    await upload(part(2), 'ns-a', '--shards-only')
    await upload(part(0), 'ns-a', '--shards-only')
    kv = await keys('ns-a')
    expect(kv.names.filter((k) => k.includes('/shard/'))).toHaveLength(7)
    expect(kv.names.some((k) => k.endsWith('/manifest'))).toBe(false)
    expect(kv.pointer).toBeNull()
    await upload(part(0), 'ns-a', '--pointer-only')
    kv = await keys('ns-a')
    expect(kv.pointer).toBe(id)
    expect(kv.names.sort()).toEqual(
      [
        CURRENT_KEY,
        `related-pins/v1/${id}/manifest`,
        `related-pins/v2/${id}/manifest`,
        `related-pins/v3/${id}/manifest`,
        ...[0, 1, 2, 3, 4, 5, 6].map((s) => `related-pins/v3/${id}/shard/${s}`),
      ].sort()
    )
    const worker = await startWorker(
      undefined,
      {},
      { kvPersist: kvPersistDir(persistTo), kvNamespaceId: 'ns-a' }
    )
    try {
      for (const pin of PINS) {
        const res = await worker.fetch(`/v1/pins/${encodeURIComponent(pin)}/related?k=3`)
        expect(res.status, pin).toBe(200)
        const body = (await res.json()) as { build: string }
        expect(body.build).toBe(id)
      }
      const oak = (await (await worker.fetch('/v1/pins/oak-table/related?k=3')).json()) as {
        related: unknown[]
        fallback?: boolean
      }
      expect(oak.related.length).toBeGreaterThan(0)
      expect(oak.fallback).toBeFalsy()
    } finally {
      await worker.dispose()
    }
  })

  it('a plain upload takes the joined directory and refuses a single slice', async () => {
    await expect(upload(part(1), 'ns-b')).rejects.toThrow(
      /is slice 1\/3 of build \w+, without manifest\.json \(slice 0 writes it\): upload it with --shards-only/
    )
    await expect(upload(part(0), 'ns-b')).rejects.toThrow(
      /holds 1 of the 3 slices of build \w+; missing 1\/3, 2\/3/
    )
    expect((await keys('ns-b')).names).toEqual([])
    const joined = join(dir, 'joined')
    for (let i = 0; i < 3; i++) {
      await cp(part(i), joined, { recursive: true })
    }
    await upload(joined, 'ns-b')
    const kv = await keys('ns-b')
    expect(kv.pointer).toBe(parts[0]!.manifest.buildId)
    expect(kv.names).toHaveLength(7 + 4) // shards, the v1 and v2 stubs, the manifest, the pointer
  })

  it('serve refuses one slice, before starting anything', async () => {
    const where = { port: 0, host: '127.0.0.1' }
    await expect(serveArtifacts(part(2), where)).rejects.toThrow(
      /is slice 2\/3 of build \w+, without manifest\.json \(slice 0 writes it\): serve the directory every slice was copied into/
    )
    await expect(serveArtifacts(part(0), where)).rejects.toThrow(
      /holds 1 of the 3 slices of build \w+; missing 1\/3, 2\/3/
    )
  })

  it('refuses to overwrite a shard of the same build id with other bytes', async () => {
    const tampered = join(dir, 'tampered')
    await cp(part(2), tampered, { recursive: true })
    const [file] = await kvBulkFiles(tampered)
    const text = await readFile(file!, 'utf8')
    const line = text.split('\n').find((l) => l.includes('/shard/2"'))!
    const pair = JSON.parse(line.replace(/,$/, ''))
    pair.value = Buffer.from('other bytes').toString('base64')
    pair.metadata.sha256 = 'f'.repeat(64)
    await writeFile(file!, text.replace(line.replace(/,$/, ''), JSON.stringify(pair)))
    await expect(upload(tampered, 'ns-a', '--shards-only')).rejects.toThrow(
      /shard\/2 is already in KV with SHA-256 \w+…, this directory has ffffffffffff…: two different builds claim the id/
    )
  })

  it('refuses --keep with --shards-only and both step flags at once', async () => {
    await expect(upload(part(1), 'ns-c', '--shards-only', '--keep', '2')).rejects.toThrow(
      /give it to the --pointer-only step/
    )
    await expect(upload(part(1), 'ns-c', '--shards-only', '--pointer-only')).rejects.toThrow(
      /two steps/
    )
  })
})
