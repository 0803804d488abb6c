/**
 * @module
 * A whole v2 shard value: header + (compressed) body. Encoding takes the compressor and hash as
 * arguments so core stays runtime-neutral (the build passes node:zlib and node:crypto); opening in
 * the worker uses Web Crypto and DecompressionStream, which workerd and Node 20 both have.
 */

import { ArtifactError } from '../errors'
import { type EncodedEntryOf, encodeShardBody, type ShardLayout, ShardReader } from './codec'
import type { PinRecord } from './format'
import {
  type Compression,
  readShardHeader,
  type ShardHeader,
  sameDigest,
  shardBody,
  writeShardHeader,
} from './shard-header'

export type ShardCodecs = {
  /** Raw deflate (RFC 1951), e.g. node:zlib's deflateRawSync. */
  deflateRaw?: (raw: Uint8Array) => Uint8Array
  sha256: (bytes: Uint8Array) => Uint8Array
}

export type ShardPlace = { index: number; shardCount: number; shardTag: string }

/** A raw body as stored: compressed when a compressor is given, with the SHA-256 of what is stored. */
export type SealedBody = { compression: Compression; body: Uint8Array; sha256: Uint8Array }

/** Compress (deflate-raw when a compressor is given) and hash one raw shard body. */
export function sealBody(raw: Uint8Array, codecs: ShardCodecs): SealedBody {
  const body = codecs.deflateRaw ? codecs.deflateRaw(raw) : raw
  return {
    compression: codecs.deflateRaw ? 'deflate-raw' : 'none',
    body,
    sha256: codecs.sha256(body),
  }
}

/**
 * The shard value (header + stored body) of a sealed body of `rawBytes` uncompressed bytes. Split
 * from encodeShard so the build can seal bodies on other threads: the bytes are the same.
 */
export function shardValue(
  sealed: SealedBody,
  rawBytes: number,
  recordCount: number,
  layout: ShardLayout,
  place: ShardPlace
): Uint8Array {
  const header = writeShardHeader({
    compression: sealed.compression,
    vectorDtype: layout.vectorDtype,
    dims: layout.dims,
    ...place,
    recordCount,
    bodyBytes: sealed.body.length,
    rawBytes,
    sha256: sealed.sha256,
  })
  const out = new Uint8Array(header.length + sealed.body.length)
  out.set(header)
  out.set(sealed.body, header.length)
  return out
}

/** Encode records as one shard value (header + body, deflate-raw when a compressor is given). */
export function encodeShard(
  records: readonly PinRecord[],
  layout: ShardLayout,
  place: ShardPlace,
  codecs: ShardCodecs,
  encodedEntry?: EncodedEntryOf
): Uint8Array {
  const raw = encodeShardBody(records, layout, encodedEntry)
  return shardValue(sealBody(raw, codecs), raw.length, records.length, layout, place)
}

/** What a reader expects of a shard: the build's tag and where the shard sits. */
function checkPlace(header: ShardHeader, expected: ShardPlace): void {
  if (
    header.shardTag !== expected.shardTag ||
    header.index !== expected.index ||
    header.shardCount !== expected.shardCount
  ) {
    throw new ArtifactError(
      'shard_invalid',
      `shard ${expected.index}: its header names shard ${header.index}/${header.shardCount} of build tag ${header.shardTag}, expected ${expected.index}/${expected.shardCount} of ${expected.shardTag}`
    )
  }
}

async function inflateRaw(body: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([body]).stream().pipeThrough(new DecompressionStream('deflate-raw'))
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

function reader(header: ShardHeader, raw: Uint8Array): ShardReader {
  if (raw.length !== header.rawBytes) {
    throw new ArtifactError(
      'shard_invalid',
      `shard ${header.index}: body inflates to ${raw.length} bytes, header says ${header.rawBytes}`
    )
  }
  return new ShardReader(raw, { dims: header.dims, vectorDtype: header.vectorDtype })
}

/** The header and stored body of a shard value, both checked: what openShard does before inflating. */
export type VerifiedShard = { header: ShardHeader; body: Uint8Array }

/**
 * The worker's integrity step: header, place in this build, SHA-256 of the stored body (Web
 * Crypto). Throws ArtifactError: format_version, shard_invalid or checksum.
 */
export async function verifyShard(value: Uint8Array, expected: ShardPlace): Promise<VerifiedShard> {
  const header = readShardHeader(value)
  checkPlace(header, expected)
  const body = shardBody(value)
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body))
  if (!sameDigest(digest, header.sha256)) {
    throw new ArtifactError('checksum', `shard ${header.index} does not match its checksum`)
  }
  return { header, body }
}

/** Inflates a raw-deflate body. The worker passes node:zlib's synchronous one (src/worker/inflate.ts). */
export type InflateRaw = (body: Uint8Array) => Uint8Array | Promise<Uint8Array>

/**
 * The raw (uncompressed) body of a verified shard. Without `inflate`, DecompressionStream, which
 * every runtime here has; in workerd its stream plumbing costs twice node:zlib's inflate.
 */
export async function inflateShard(
  { header, body }: VerifiedShard,
  inflate: InflateRaw = inflateRaw
): Promise<Uint8Array> {
  return header.compression === 'none' ? body : inflate(body)
}

/** Index a raw body: a shard_invalid ArtifactError for anything that does not parse. */
export function indexShard(header: ShardHeader, raw: Uint8Array): ShardReader {
  try {
    return reader(header, raw)
  } catch (err) {
    if (err instanceof ArtifactError) {
      throw err
    }
    throw new ArtifactError('shard_invalid', `shard ${header.index}: ${(err as Error).message}`, {
      cause: err,
    })
  }
}

/**
 * Check and open a shard value (worker side): verifyShard, then inflate and index. Throws
 * ArtifactError: format_version, shard_invalid or checksum.
 */
export async function openShard(
  value: Uint8Array,
  expected: ShardPlace,
  inflate?: InflateRaw
): Promise<ShardReader> {
  const verified = await verifyShard(value, expected)
  let raw: Uint8Array
  try {
    raw = await inflateShard(verified, inflate)
  } catch (err) {
    throw new ArtifactError(
      'shard_invalid',
      `shard ${verified.header.index}: ${(err as Error).message}`,
      { cause: err }
    )
  }
  return indexShard(verified.header, raw)
}

/**
 * Open a shard synchronously with the given codecs (Node: offline evaluation, readers of an
 * artifacts directory). Verifies the checksum when `codecs.sha256` is given.
 */
export function openShardSync(
  value: Uint8Array,
  expected: ShardPlace,
  codecs: { inflateRaw: (body: Uint8Array) => Uint8Array; sha256?: (b: Uint8Array) => Uint8Array }
): ShardReader {
  const header = readShardHeader(value)
  checkPlace(header, expected)
  const body = shardBody(value)
  if (codecs.sha256 && !sameDigest(codecs.sha256(body), header.sha256)) {
    throw new ArtifactError('checksum', `shard ${header.index} does not match its checksum`)
  }
  return reader(header, header.compression === 'none' ? body : codecs.inflateRaw(body))
}
