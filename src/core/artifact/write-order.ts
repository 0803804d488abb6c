/**
 * @module
 * The KV write order of a build, the same for every writer (build files, upload, local seeding):
 * shards, then a stub manifest at each earlier format's manifest key, then the manifest, then the
 * pointer. A reader that follows the pointer therefore always finds a complete build, and a worker
 * of an earlier format following it finds a manifest whose formatVersion it rejects with a clear
 * `format_version` 503.
 */

import { type Manifest, OLDER_FORMAT_VERSIONS } from './format'
import { CURRENT_KEY, manifestKey, shardKey } from './keys'

export type KvPhase = 'shards' | 'manifest' | 'pointer'

/** One KV pair of a build; shard values are referenced by index and read by the caller. */
export type KvItem =
  | { phase: 'shards'; key: string; shard: number }
  | { phase: 'manifest' | 'pointer'; key: string; value: string }

/** What a reader of an earlier format finds at its manifest key: enough to name the mismatch. */
export function stubManifest(manifest: Manifest): string {
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
  for (const version of OLDER_FORMAT_VERSIONS) {
    yield {
      phase: 'manifest',
      key: manifestKey(manifest.buildId, version),
      value: stubManifest(manifest),
    }
  }
  yield { phase: 'manifest', key: manifestKey(manifest.buildId), value: JSON.stringify(manifest) }
  yield { phase: 'pointer', key: CURRENT_KEY, value: manifest.buildId }
}

/** Keys of a build in KV (for deletion and counting): shards, stubs, manifest. */
export const keyCount = (manifest: Manifest): number =>
  manifest.shardCount + OLDER_FORMAT_VERSIONS.length + 1
