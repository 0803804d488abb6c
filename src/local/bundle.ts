/**
 * @module
 * Bundles the worker with esbuild (the bundler wrangler itself uses) into one ES module that
 * Miniflare can load.
 */

import { mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const COMPATIBILITY_DATE = '2026-04-20'
/** As in wrangler.toml: node:zlib inflates shards (src/worker/inflate.ts). */
export const COMPATIBILITY_FLAGS = ['nodejs_compat']

/** Bundle src/worker/index.ts to `outFile` (default dist/worker.js) and return its path. */
export async function bundleWorker(outFile = join(ROOT, 'dist', 'worker.js')): Promise<string> {
  await mkdir(dirname(outFile), { recursive: true })
  await build({
    entryPoints: [join(ROOT, 'src', 'worker', 'index.ts')],
    outfile: outFile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    jsx: 'automatic',
    jsxImportSource: 'hono/jsx',
    // workerd provides node:* modules itself under nodejs_compat.
    external: ['node:*'],
    logLevel: 'warning',
  })
  return outFile
}
