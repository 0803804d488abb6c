import { defineConfig } from 'vitest/config'
import { EndToEndFirst } from './test/sequencer'

// One Node project: unit tests import src/ directly; worker tests start the bundled worker in
// workerd through Miniflare (see test/worker/harness.ts), so they exercise the real runtime.
export default defineConfig({
  // The worker's views are hono/jsx; fast app.request() tests import them in Node.
  oxc: { jsx: { runtime: 'automatic', importSource: 'hono/jsx', development: false } },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Bundles the worker once for every file that starts it (see the file).
    globalSetup: ['test/global-setup.ts'],
    // Vitest runs availableParallelism() - 1 files at once: one on these 2-core machines. Two
    // overlap the files that mostly wait (on workerd, a process of its own, on disk, on threads).
    maxWorkers: 2,
    sequence: { sequencer: EndToEndFirst },
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
})
