/**
 * Starts the bundled worker in workerd (Miniflare) with a KV seeded from real build output.
 */

import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Miniflare } from 'miniflare'
import {
  type Artifacts,
  type BlendParams,
  openShardSync,
  type ShardReader,
} from '../../src/core/artifact'
import { type LocalWorkerOptions, seedArtifacts, startLocalWorker } from '../../src/local/miniflare'
import { type BuildOptionsOverrides, buildOptions } from '../../src/offline/config'
import { silentLogger } from '../../src/offline/log'
import { type BuildResult, runBuild } from '../../src/offline/pipeline'
import { NODE_SHARD_READ } from '../../src/offline/shard-codecs'
import { readArtifacts } from '../../src/offline/write'

export const TINY = join(import.meta.dirname, '..', 'fixtures', 'tiny')

/** A build on disk plus its shards read back into memory (small builds only). */
export type TinyBuild = BuildResult & { artifacts: Artifacts }

/** Build the tiny fixture through the real pipeline into a temp dir. */
export async function buildTiny(
  overrides: BuildOptionsOverrides = {},
  blend?: BlendParams
): Promise<TinyBuild> {
  return buildTinyInto(await mkdtemp(join(tmpdir(), 'rp-tiny-')), overrides, blend)
}

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

/** Build the tiny fixture inputs through the real pipeline into `out`. */
export async function buildTinyInto(
  out: string,
  overrides: BuildOptionsOverrides = {},
  blend?: BlendParams
): Promise<TinyBuild> {
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

export async function startWorker(
  result?: { artifacts: Artifacts },
  bindings?: Record<string, string>,
  options: Omit<LocalWorkerOptions, 'bindings'> = {}
): Promise<TestWorker> {
  const { mf, url } = await startLocalWorker({ ...options, bindings })
  if (result) {
    await seedArtifacts(mf, result.artifacts)
  }
  return {
    mf,
    url,
    fetch: (path, init) => fetchRetryingStaleSocket(new URL(path, url), init),
    dispose: () => mf.dispose(),
  }
}

/**
 * fetch, retrying a GET or HEAD once when its keep-alive socket was closed by workerd while idle
 * (undici reuses the socket and fails with "other side closed" when a test paused for a few
 * seconds between requests), as browsers retry idempotent requests on a stale connection.
 */
async function fetchRetryingStaleSocket(url: URL, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init)
  } catch (err) {
    const method = (init?.method ?? 'GET').toUpperCase()
    const code = (err as { cause?: { code?: string } }).cause?.code
    if ((method === 'GET' || method === 'HEAD') && code === 'UND_ERR_SOCKET') {
      return fetch(url, init)
    }
    throw err
  }
}

/** Seeded pseudo-random numbers (mulberry32) for reproducible fuzzing. */
export { createRandom } from '../../src/core/random'

/** The decoded shard `index` of an in-memory build (checksum verified), as the worker opens it. */
export function shardReader(artifacts: Artifacts, index: number): ShardReader {
  const { shardCount, shardTag } = artifacts.manifest
  return openShardSync(artifacts.shards[index]!, { index, shardCount, shardTag }, NODE_SHARD_READ)
}
