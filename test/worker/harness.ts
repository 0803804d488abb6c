/**
 * Starts the bundled worker in workerd (Miniflare) with a KV seeded from real build output.
 */

import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Miniflare } from 'miniflare'
import type { BlendParams } from '../../src/core/artifact'
import { type LocalWorkerOptions, seedArtifacts, startLocalWorker } from '../../src/local/miniflare'
import { type BuildOptionsOverrides, buildOptions } from '../../src/offline/config'
import { silentLogger } from '../../src/offline/log'
import { type BuildResult, runBuild } from '../../src/offline/pipeline'

export const TINY = join(import.meta.dirname, '..', 'fixtures', 'tiny')

/** Build the tiny fixture through the real pipeline into a temp dir. */
export async function buildTiny(
  overrides: BuildOptionsOverrides = {},
  blend?: BlendParams
): Promise<BuildResult> {
  const out = await mkdtemp(join(tmpdir(), 'rp-tiny-'))
  return runBuild(
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
}

export type TestWorker = {
  mf: Miniflare
  url: URL
  fetch: (path: string, init?: RequestInit) => Promise<Response>
  dispose: () => Promise<void>
}

export async function startWorker(
  result?: BuildResult,
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
    fetch: (path, init) => fetch(new URL(path, url), init),
    dispose: () => mf.dispose(),
  }
}

/** Seeded pseudo-random numbers (mulberry32) for reproducible fuzzing. */
export { createRandom } from '../../src/core/random'
