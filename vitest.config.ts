import { defineConfig } from 'vitest/config'

// One Node project: unit tests import src/ directly; worker tests start the bundled worker in
// workerd through Miniflare (see test/worker/harness.ts), so they exercise the real runtime.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
})
