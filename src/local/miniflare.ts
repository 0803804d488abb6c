/**
 * @module
 * Runs the bundled worker in workerd through Miniflare with an in-memory KV seeded from
 * artifacts. Seeding goes through Miniflare's API because `wrangler kv bulk put --local` (4.86)
 * corrupts binary values.
 */

import { Miniflare } from 'miniflare'
import type { Artifacts } from '../build/assemble'
import { kvEntries } from '../build/write'
import { bundleWorker, COMPATIBILITY_DATE } from './bundle'

export type LocalWorkerOptions = { port?: number; host?: string; scriptPath?: string; bindings?: Record<string, string> }

export async function startLocalWorker(options: LocalWorkerOptions = {}): Promise<{ mf: Miniflare; url: URL }> {
  const scriptPath = options.scriptPath ?? (await bundleWorker())
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    compatibilityDate: COMPATIBILITY_DATE,
    kvNamespaces: ['ARTIFACTS'],
    bindings: { ARTIFACT_BUILD_ID: '', ...options.bindings },
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
  })
  const url = await mf.ready
  return { mf, url }
}

/** Put every KV pair of a build, in safe order (shards, manifest, pointer). */
export async function seedArtifacts(mf: Miniflare, artifacts: Artifacts): Promise<number> {
  const kv = await mf.getKVNamespace('ARTIFACTS')
  const entries = kvEntries(artifacts)
  for (const { key, value } of entries) {
    // Miniflare wants a plain ArrayBuffer, not a Node Buffer or a view.
    const body = typeof value === 'string' ? value : value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength)
    await kv.put(key, body as ArrayBuffer | string)
  }
  return entries.length
}
