/**
 * @module
 * The artifact contract: format types, KV keys and write order, shard codec, manifest and blend
 * validation, and the in-memory form of a build.
 */

export { type Artifacts, type KvEntry, kvEntries } from './artifacts'
export { ByteWriter } from './bytes'
export {
  candidateMaxima,
  type EncodedEntryOf,
  encodeScore,
  encodeShardBody,
  SCORE_MAX,
  type ShardLayout,
  ShardReader,
  storedScore,
  writeEntry,
} from './codec'
export * from './format'
export * from './keys'
export {
  encodeShard,
  type InflateRaw,
  indexShard,
  inflateShard,
  openShard,
  openShardSync,
  type SealedBody,
  type ShardCodecs,
  type ShardPlace,
  sealBody,
  shardValue,
  type VerifiedShard,
  verifyShard,
} from './shard'
export {
  type Compression,
  readShardHeader,
  SHARD_HEADER_BYTES,
  type ShardHeader,
} from './shard-header'
export {
  SIGNATURE_BITS,
  signatureBits,
  signatureBytes,
  signatureCosine,
  signatureOf,
} from './signature'
export { parseBlend, parseManifest, sha256Hex } from './validate'
export { type KvItem, type KvPhase, keyCount, kvWriteOrder, stubManifest } from './write-order'
