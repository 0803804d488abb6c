/**
 * @module
 * A build held in memory: its manifest and every shard value. Only small builds live like this
 * (tests, fixtures, offline evaluation); the build writes shard by shard (src/offline/write.ts).
 */

import type { Manifest } from './format'
import { kvWriteOrder } from './write-order'

export type Artifacts = { manifest: Manifest; shards: Uint8Array[] }

export type KvEntry = { key: string; value: Uint8Array | string }

/** Every KV pair of an in-memory build, in safe write order (write-order.ts). */
export function* kvEntries(artifacts: Artifacts): Generator<KvEntry> {
  for (const item of kvWriteOrder(artifacts.manifest)) {
    if (item.phase === 'shards') {
      const value = artifacts.shards[item.shard]
      if (!value) {
        throw new Error(`[artifact] shard ${item.shard} missing from an in-memory build`)
      }
      yield { key: item.key, value }
    } else {
      yield { key: item.key, value: item.value }
    }
  }
}
