/**
 * @module
 * The KV write order of a build, the same for every writer (build files, upload, local seeding):
 * shards, then a v1 stub manifest, then the manifest, then the pointer. A reader that follows the
 * pointer therefore always finds a complete build, and a format-v1 worker following it finds a
 * manifest whose formatVersion (2) it rejects with a clear `format_version` 503.
 */

import type { Manifest } from './format'
import { CURRENT_KEY, manifestKey, shardKey } from './keys'

export type KvPhase = 'shards' | 'manifest' | 'pointer'

/** One KV pair of a build; shard values are referenced by index and read by the caller. */
export type KvItem =
  | { phase: 'shards'; key: string; shard: number }
  | { phase: 'manifest' | 'pointer'; key: string; value: string }

/** What a format-v1 reader finds at its manifest key: enough for it to name the mismatch. */
export function v1StubManifest(manifest: Manifest): string {
  return JSON.stringify({
    formatVersion: manifest.formatVersion,
    buildId: manifest.buildId,
    note: `build ${manifest.buildId} is artifact format ${manifest.formatVersion}; deploy the worker of the same related-pins version`,
  })
}

/** Every KV pair of a build, in safe write order. */
export function* kvWriteOrder(manifest: Manifest): Generator<KvItem> {
  for (let i = 0; i < manifest.shardCount; i++) {
    yield { phase: 'shards', key: shardKey(manifest.buildId, i), shard: i }
  }
  yield {
    phase: 'manifest',
    key: manifestKey(manifest.buildId, 1),
    value: v1StubManifest(manifest),
  }
  yield { phase: 'manifest', key: manifestKey(manifest.buildId), value: JSON.stringify(manifest) }
  yield { phase: 'pointer', key: CURRENT_KEY, value: manifest.buildId }
}

/** Keys of a build in KV (for deletion and counting): shards, stub, manifest. */
export const keyCount = (manifest: Manifest): number => manifest.shardCount + 2
