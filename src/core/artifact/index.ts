/**
 * @module
 * The artifact contract: format types, KV keys, shard codec and manifest validation.
 */

export * from './format'
export * from './keys'
export { encodeShard, ShardReader, type ShardLayout } from './codec'
export { parseManifest, sha256Hex } from './validate'
