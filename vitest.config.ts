import { defineConfig } from 'vitest/config'

// One Node project: unit tests import src/ directly; worker tests start the bundled worker in
// workerd through Miniflare (see test/worker/harness.ts), so they exercise the real runtime.
export default defineConfig({
  // The worker's views are hono/jsx; fast app.request() tests import them in Node.
  oxc: { jsx: { runtime: 'automatic', importSource: 'hono/jsx', development: false } },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
})
