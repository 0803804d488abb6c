/**
 * @module
 * Runs the bundled worker in workerd through Miniflare with a KV seeded from artifacts (in memory,
 * or persisted where `wrangler dev --local` reads it). Seeding goes through Miniflare's API
 * because `wrangler kv bulk put --local` (4.86) corrupts binary values.
 */

import type { Readable } from 'node:stream'
import { Miniflare } from 'miniflare'
import { type Artifacts, kvEntries } from '../core/artifact'
import { kvBulkFiles, readKvBulk } from '../offline/write'
import { bundleWorker, COMPATIBILITY_DATE, COMPATIBILITY_FLAGS } from './bundle'

export type LocalWorkerOptions = {
  port?: number
  host?: string
  scriptPath?: string
  bindings?: Record<string, string>
  /** Persist KV in this directory (Miniflare's kvPersist) instead of memory. */
  kvPersist?: string
  /** KV namespace id behind the ARTIFACTS binding (persisted KV is stored per id). */
  kvNamespaceId?: string
  /** Receives workerd's stdout and stderr (the worker's console), e.g. to assert on logs. */
  handleRuntimeStdio?: (stdout: Readable, stderr: Readable) => void
}

export async function startLocalWorker(
  options: LocalWorkerOptions = {}
): Promise<{ mf: Miniflare; url: URL }> {
  const scriptPath = options.scriptPath ?? (await bundleWorker())
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: COMPATIBILITY_FLAGS,
    kvNamespaces: options.kvNamespaceId ? { ARTIFACTS: options.kvNamespaceId } : ['ARTIFACTS'],
    ...(options.kvPersist ? { kvPersist: options.kvPersist } : {}),
    ...(options.handleRuntimeStdio ? { handleRuntimeStdio: options.handleRuntimeStdio } : {}),
    bindings: { ARTIFACT_BUILD_ID: '', ...options.bindings },
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
  })
  const url = await mf.ready
  return { mf, url }
}

/** Miniflare wants a plain ArrayBuffer, not a Node Buffer or a view. */
export const plainBuffer = (value: Uint8Array): ArrayBuffer =>
  value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength) as ArrayBuffer

/** Put every KV pair of an in-memory build, in safe order (shards, manifest, pointer). */
export async function seedArtifacts(mf: Miniflare, artifacts: Artifacts): Promise<number> {
  const kv = await mf.getKVNamespace('ARTIFACTS')
  let n = 0
  for (const { key, value } of kvEntries(artifacts)) {
    await kv.put(key, typeof value === 'string' ? value : plainBuffer(value))
    n++
  }
  return n
}

const SEED_CONCURRENCY = 32

/**
 * Put every pair of the kv-bulk files of an artifacts directory, one pair at a time and in file
 * order (the pointer is last), so a build of any size seeds in bounded memory.
 */
export async function seedFromDir(
  mf: Miniflare,
  dir: string,
  progress: (pairs: number) => void = () => undefined
): Promise<number> {
  const kv = await mf.getKVNamespace('ARTIFACTS')
  let n = 0
  // Shards go up to SEED_CONCURRENCY at a time (each put is a round trip to workerd); everything
  // after them (manifests, the pointer) waits until every shard is in.
  const inflight = new Set<Promise<void>>()
  for (const file of await kvBulkFiles(dir)) {
    for await (const pair of readKvBulk(file)) {
      const value = pair.base64 ? plainBuffer(Buffer.from(pair.value, 'base64')) : pair.value
      const isShard = pair.key.includes('/shard/')
      if (!isShard || inflight.size >= SEED_CONCURRENCY) {
        await (isShard ? Promise.race(inflight) : Promise.all(inflight))
      }
      const put: Promise<void> = kv.put(pair.key, value).then(() => {
        inflight.delete(put)
        progress(++n)
      })
      inflight.add(put)
      if (!isShard) {
        await put
      }
    }
  }
  await Promise.all(inflight)
  return n
}
