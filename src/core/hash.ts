/**
 * @module
 * Stable string hashing: decides which shard holds a pin, identically in the build and the worker.
 */

const encoder = new TextEncoder()

/** FNV-1a over the UTF-8 bytes of `text`, as an unsigned 32-bit integer. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5
  for (const byte of encoder.encode(text)) {
    hash ^= byte
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

/** The shard that stores the record of pin `id` when the build has `shardCount` shards. */
export function shardOf(id: string, shardCount: number): number {
  return fnv1a32(id) % shardCount
}
