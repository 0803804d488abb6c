/**
 * Starts the bundled worker in workerd (Miniflare) with a KV seeded from real build output: the
 * committed tiny build, or builds made from its records. Nothing here loads the pipeline (tfjs and
 * all) unless `buildTinyInto` runs it.
 */

import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Miniflare } from 'miniflare'
import { inject } from 'vitest'
import {
  type Artifacts,
  type BlendParams,
  openShardSync,
  type ShardReader,
} from '../../src/core/artifact'
import { type LocalWorkerOptions, seedArtifacts, startLocalWorker } from '../../src/local/miniflare'
import { type BuildOptionsOverrides, buildOptions } from '../../src/offline/config'
import { silentLogger } from '../../src/offline/log'
import type { BuildResult } from '../../src/offline/pipeline'
import { artifactsFromRecords } from '../../src/offline/records-build'
import { NODE_SHARD_READ } from '../../src/offline/shard-codecs'
import { readArtifacts, writeArtifacts } from '../../src/offline/write'

export const TINY = join(import.meta.dirname, '..', 'fixtures', 'tiny')

/** A build on disk plus its shards read back into memory (small builds only). */
export type TinyBuild = BuildResult & { artifacts: Artifacts }

/** The committed tiny build (scripts/make-fixtures.ts): worker tests that need no pipeline use it. */
export const TINY_BUILD = join(import.meta.dirname, '..', 'fixtures', 'tiny-build')

/** The committed tiny build, read and verified with the current codec (no pipeline, no training). */
export async function tinyFixture(): Promise<TinyBuild> {
  const artifacts = await readArtifacts(TINY_BUILD)
  return {
    manifest: artifacts.manifest,
    dir: TINY_BUILD,
    report: JSON.parse(await readFile(join(TINY_BUILD, 'report.json'), 'utf8')),
    files: [join(TINY_BUILD, 'manifest.json')],
    artifacts,
  }
}

/**
 * Another build of the committed tiny build's records, with another shard count and/or blend, so
 * another build id (and, with another blend, other answers): encoded by the real codec and written
 * to a temp dir the way a build writes, without running the pipeline.
 */
export async function tinyVariant(change: {
  shardCount?: number
  blend?: BlendParams
}): Promise<TinyBuild> {
  const fixture = await tinyFixture()
  const { manifest } = fixture.artifacts
  const records = [...fixture.artifacts.shards.keys()].flatMap((index) => {
    const reader = shardReader(fixture.artifacts, index)
    return Array.from(reader.ids(), (id) => reader.get(id)!)
  })
  const artifacts = artifactsFromRecords(records, {
    dims: manifest.dims,
    vectorDtype: manifest.vectorDtype,
    sources: manifest.sources,
    blend: change.blend ?? manifest.blend,
    popular: manifest.popular,
    maxCandidates: manifest.maxCandidates,
    shardCount: change.shardCount ?? manifest.shardCount,
  })
  const dir = await mkdtemp(join(tmpdir(), 'rp-tiny-'))
  const files = await writeArtifacts(artifacts, dir, { log: silentLogger })
  return {
    manifest: artifacts.manifest,
    dir,
    report: fixture.report,
    files: [join(dir, 'manifest.json'), ...files],
    artifacts,
  }
}

/** Build the tiny fixture inputs through the real pipeline into `out` (scripts/make-fixtures.ts). */
export async function buildTinyInto(
  out: string,
  overrides: BuildOptionsOverrides = {},
  blend?: BlendParams
): Promise<TinyBuild> {
  const { runBuild } = await import('../../src/offline/pipeline')
  const result = await runBuild(
    {
      inputs: {
        boards: join(TINY, 'boards.csv'),
        events: join(TINY, 'events.csv'),
        pins: join(TINY, 'pins.csv'),
      },
      out,
      options: buildOptions({
        ...overrides,
        assemble: { pinsPerShard: 2, ...overrides.assemble },
        pin2vec: { dims: 8, epochs: 20, ...overrides.pin2vec },
      }),
      blend,
    },
    silentLogger
  )
  return { ...result, artifacts: await readArtifacts(out) }
}

export type TestWorker = {
  mf: Miniflare
  url: URL
  fetch: (path: string, init?: RequestInit) => Promise<Response>
  dispose: () => Promise<void>
}

/**
 * fetch, sent again once when the kept-alive connection it went out on was closed under it
 * ("other side closed": undici reused a socket workerd closed while idle, seen on the loaded
 * machine after a test that spent seconds without requests). A worker that crashed fails again.
 */
async function fetchOnce(url: URL, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init)
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code
    if (code !== 'UND_ERR_SOCKET' || init?.body instanceof ReadableStream) {
      throw err
    }
    return fetch(url, init)
  }
}

export async function startWorker(
  result?: { artifacts: Artifacts },
  bindings?: Record<string, string>,
  options: Omit<LocalWorkerOptions, 'bindings'> = {}
): Promise<TestWorker> {
  // The worker bundled once for the whole run (test/global-setup.ts).
  const scriptPath = options.scriptPath ?? inject('workerScript')
  const { mf, url } = await startLocalWorker({ ...options, scriptPath, bindings })
  if (result) {
    await seedArtifacts(mf, result.artifacts)
  }
  return {
    mf,
    url,
    fetch: (path, init) => fetchOnce(new URL(path, url), init),
    dispose: () => mf.dispose(),
  }
}

/** Seeded pseudo-random numbers (mulberry32) for reproducible fuzzing. */
export { createRandom } from '../../src/core/random'

/** The decoded shard `index` of an in-memory build (checksum verified), as the worker opens it. */
export function shardReader(artifacts: Artifacts, index: number): ShardReader {
  const { shardCount, shardTag } = artifacts.manifest
  return openShardSync(artifacts.shards[index]!, { index, shardCount, shardTag }, NODE_SHARD_READ)
}
