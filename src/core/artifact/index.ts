/**
 * @module
 * The artifact contract: format types, KV keys, shard codec and manifest validation.
 */

export { encodeShard, type ShardLayout, ShardReader } from './codec'
export * from './format'
export * from './keys'
export { parseManifest, sha256Hex } from './validate'
