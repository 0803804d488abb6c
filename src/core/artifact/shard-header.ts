/**
 * @module
 * The fixed 72-byte uncompressed header of a v2 shard value: what a reader checks before it trusts
 * or inflates the body (magic, format version, which build and shard it belongs to, the body's
 * SHA-256 and lengths). Everything per shard travels with the shard; the manifest lists none.
 */

import { ArtifactError } from '../errors'
import { FORMAT_VERSION, type VectorDtype } from './format'

/** Magic of the header layout formats 2 and 3 share; the version field tells them apart. */
export const SHARD_MAGIC = 0x32535052 // "RPS2" little-endian
/** Magic of format v1 shards, recognised only to name the version mismatch. */
export const SHARD_MAGIC_V1 = 0x31535052 // "RPS1"
export const SHARD_HEADER_BYTES = 72

export type Compression = 'none' | 'deflate-raw'
const COMPRESSION_CODE: Record<Compression, number> = { none: 0, 'deflate-raw': 1 }
const COMPRESSION_OF_CODE: Compression[] = ['none', 'deflate-raw']
const DTYPE_CODE: Record<VectorDtype, number> = { none: 0, int8: 1, float32: 2 }
const DTYPE_OF_CODE: VectorDtype[] = ['none', 'int8', 'float32']

export type ShardHeader = {
  formatVersion: number
  compression: Compression
  vectorDtype: VectorDtype
  dims: number
  index: number
  shardCount: number
  /** Manifest.shardTag of the build this shard belongs to (16 hex chars). */
  shardTag: string
  recordCount: number
  /** Bytes of the stored (possibly compressed) body after the header. */
  bodyBytes: number
  /** Bytes of the body once inflated. */
  rawBytes: number
  /** SHA-256 of the stored body. */
  sha256: Uint8Array
}

const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')

export function writeShardHeader(h: Omit<ShardHeader, 'formatVersion'>): Uint8Array {
  if (!/^[0-9a-f]{16}$/.test(h.shardTag) || h.sha256.length !== 32) {
    throw new ArtifactError('shard_invalid', 'shard header: bad shardTag or sha256')
  }
  const out = new Uint8Array(SHARD_HEADER_BYTES)
  const view = new DataView(out.buffer)
  view.setUint32(0, SHARD_MAGIC, true)
  view.setUint16(4, FORMAT_VERSION, true)
  out[6] = COMPRESSION_CODE[h.compression]
  out[7] = DTYPE_CODE[h.vectorDtype]
  view.setUint16(8, h.dims, true)
  view.setUint16(10, 0, true)
  view.setUint32(12, h.index, true)
  view.setUint32(16, h.shardCount, true)
  for (let i = 0; i < 8; i++) {
    out[20 + i] = Number.parseInt(h.shardTag.slice(2 * i, 2 * i + 2), 16)
  }
  view.setUint32(28, h.recordCount, true)
  view.setUint32(32, h.bodyBytes, true)
  view.setUint32(36, h.rawBytes, true)
  out.set(h.sha256, 40)
  return out
}

/** Parse and check the header of a shard value; throws `format_version` or `shard_invalid`. */
export function readShardHeader(value: Uint8Array): ShardHeader {
  if (value.byteLength < 6) {
    throw new ArtifactError('shard_invalid', `shard of ${value.byteLength} bytes has no header`)
  }
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength)
  const magic = view.getUint32(0, true)
  if (
    magic === SHARD_MAGIC_V1 ||
    (magic === SHARD_MAGIC && view.getUint16(4, true) !== FORMAT_VERSION)
  ) {
    throw new ArtifactError(
      'format_version',
      `shard format ${view.getUint16(4, true)}, this reader understands ${FORMAT_VERSION}. Rebuild the artifacts with the same related-pins version as the worker.`
    )
  }
  if (magic !== SHARD_MAGIC || value.byteLength < SHARD_HEADER_BYTES) {
    throw new ArtifactError('shard_invalid', 'not a related-pins shard (bad magic or short header)')
  }
  const compression = COMPRESSION_OF_CODE[value[6] as number]
  const vectorDtype = DTYPE_OF_CODE[value[7] as number]
  if (!compression || !vectorDtype) {
    throw new ArtifactError('shard_invalid', 'shard header: unknown compression or vector dtype')
  }
  const header: ShardHeader = {
    formatVersion: view.getUint16(4, true),
    compression,
    vectorDtype,
    dims: view.getUint16(8, true),
    index: view.getUint32(12, true),
    shardCount: view.getUint32(16, true),
    shardTag: hex(value.subarray(20, 28)),
    recordCount: view.getUint32(28, true),
    bodyBytes: view.getUint32(32, true),
    rawBytes: view.getUint32(36, true),
    sha256: value.slice(40, 72),
  }
  if (SHARD_HEADER_BYTES + header.bodyBytes !== value.byteLength) {
    throw new ArtifactError(
      'shard_invalid',
      `shard ${header.index}: header says ${header.bodyBytes} body bytes, value has ${value.byteLength - SHARD_HEADER_BYTES}`
    )
  }
  return header
}

/** The stored body of a shard value (after the header). */
export const shardBody = (value: Uint8Array): Uint8Array => value.subarray(SHARD_HEADER_BYTES)

export const sameDigest = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i])
