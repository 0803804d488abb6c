import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { PEER_NAMES } from '../../src/eval/options'
import { runEval } from '../../src/eval/run'
import type { MethodResult } from '../../src/eval/score-task'
import type { TrainOn } from '../../src/offline/blend/split'
import { buildOptions, DEFAULT_BUILD_OPTIONS } from '../../src/offline/config'
import { generateWorld, writeWorld } from '../../src/offline/generate'
import { silentLogger } from '../../src/offline/log'
import { runBuild } from '../../src/offline/pipeline'
import { readArtifacts } from '../../src/offline/write'
import { startWorker } from '../worker/harness'

/**
 * A build with only one signal: it builds, serves, and evaluates, and the blend keeps up with the
 * best source it has. One file per signal (boards-only.test.ts, events-only.test.ts), so the two
 * run in parallel.
 */
export function singleSignalSuite(
  name: string,
  files: { boards?: string; events?: string },
  trainOn: Exclude<TrainOn, 'all'>,
  expected: readonly string[]
): void {
  let dir: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rp-single-'))
    await writeWorld(generateWorld({ pins: 1200, seed: 5 }), dir)
  })

  describe(name, () => {
    it('builds and serves related pins from the sources it has', async () => {
      const inputs = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, join(dir, f)]))
      const result = await runBuild(
        {
          inputs: { ...inputs, pins: join(dir, 'pins.csv') },
          out: join(dir, `out-${trainOn}`),
          options: DEFAULT_BUILD_OPTIONS,
        },
        silentLogger
      )
      const built = { ...result, artifacts: await readArtifacts(result.dir) }
      for (const source of expected) {
        expect(built.artifacts.manifest.sources).toContain(source)
      }
      const worker = await startWorker(built)
      try {
        const id = built.artifacts.manifest.popular[0]!.id
        const body = (await (await worker.fetch(`/v1/pins/${id}/related?k=10`)).json()) as {
          fallback: boolean
          related: { sources: Record<string, number> }[]
        }
        expect(body.fallback).toBe(false)
        expect(body.related.length).toBe(10)
        for (const r of body.related) {
          expect(
            Object.keys(r.sources).every((s) =>
              built.artifacts.manifest.sources.includes(s as never)
            )
          ).toBe(true)
        }
      } finally {
        await worker.dispose()
      }
    }, 900_000)

    it('evaluates, with the blend not below the best available source beyond its interval', async () => {
      const metrics = (await runEval(
        {
          inputs: { boards: join(dir, 'boards.csv'), events: join(dir, 'events.csv') },
          out: join(dir, `eval-${trainOn}`),
          options: buildOptions({ blend: { tuneStep: 0.25 } }),
          split: { testFraction: 0.2, validationFraction: 0.1 },
          bootstrap: 100,
          maxQueries: 3000,
          peerTuneQueries: 500,
          float32: false,
          trainOn,
          // The assertion compares the blend with our own sources only, and a method's scores and
          // intervals do not depend on which others are scored (one set of resamples per task),
          // so the seven peers are left out here; test/e2e/eval.test.ts scores them end to end.
          peers: [],
        },
        silentLogger
      )) as { tasks: Record<'one-pin' | 'session', Record<string, MethodResult>> }
      const sources = metrics.tasks['one-pin']
      expect(
        Object.keys(sources).filter((m) => (PEER_NAMES as readonly string[]).includes(m))
      ).toEqual([])
      const available = expected.filter((s) => s in sources)
      expect(available.length).toBe(expected.length)
      const best = Math.max(...available.map((s) => sources[s]!.overall['hr@20']))
      // The blend's upper 95% bound must reach the best single source's recall.
      expect(sources.blend!.overall.ci['hr@20'][1]).toBeGreaterThanOrEqual(best)
      // A build plus an evaluation on a shared 2-core machine.
    }, 900_000)
  })
}
