/**
 * Runs once before any test file: bundles the worker a single time for every file that starts it
 * in workerd (test/worker/harness.ts reads the path with `inject('workerScript')`). Bundling per
 * file cost esbuild time in each of them, and files running in parallel would write the same
 * dist/worker.js under each other.
 *
 * It also points TMPDIR at one directory for the run, removed at the end (unless
 * KEEP_TEST_TMP=1): the tests' builds, fixtures and Miniflare's scratch files go under
 * os.tmpdir(), and left there they added up to gigabytes over repeated runs.
 */

import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { bundleWorker, ROOT } from '../src/local/bundle'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The worker bundled from src/worker for this test run. */
    workerScript: string
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Under the project (dist/ is ignored): Miniflare names modules relative to it, and workerd
  // refuses a module path that climbs out with '..'.
  await mkdir(join(ROOT, 'dist'), { recursive: true })
  const dir = await mkdtemp(join(ROOT, 'dist', 'test-'))
  project.provide('workerScript', await bundleWorker(join(dir, 'worker.js')))
  // Set before the test workers start, so they inherit it (os.tmpdir() reads TMPDIR each call).
  const scratch = await mkdtemp(join(tmpdir(), 'related-pins-tests-'))
  process.env.TMPDIR = scratch
  return async () => {
    await rm(dir, { recursive: true, force: true })
    if (process.env.KEEP_TEST_TMP !== '1') {
      await rm(scratch, { recursive: true, force: true })
    }
  }
}
