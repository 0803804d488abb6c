/**
 * @module
 * A whole v2 shard value: header + (compressed) body. Encoding takes the compressor and hash as
 * arguments so core stays runtime-neutral (the build passes node:zlib and node:crypto); opening in
 * the worker uses Web Crypto and DecompressionStream, which workerd and Node 20 both have.
 */

import { ArtifactError } from '../errors'
import { encodeShardBody, type ShardLayout, ShardReader } from './codec'
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

/** Encode records as one shard value (header + body, deflate-raw when a compressor is given). */
export function encodeShard(
  records: readonly PinRecord[],
  layout: ShardLayout,
  place: ShardPlace,
  codecs: ShardCodecs
): Uint8Array {
  const raw = encodeShardBody(records, layout)
  const compression: Compression = codecs.deflateRaw ? 'deflate-raw' : 'none'
  const body = codecs.deflateRaw ? codecs.deflateRaw(raw) : raw
  const header = writeShardHeader({
    compression,
    vectorDtype: layout.vectorDtype,
    dims: layout.dims,
    ...place,
    recordCount: records.length,
    bodyBytes: body.length,
    rawBytes: raw.length,
    sha256: codecs.sha256(body),
  })
  const out = new Uint8Array(header.length + body.length)
  out.set(header)
  out.set(body, header.length)
  return out
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

/**
 * Check and open a shard value (worker side): header, place, SHA-256 of the body (Web Crypto),
 * then inflate. Throws ArtifactError: format_version, shard_invalid or checksum.
 */
export async function openShard(value: Uint8Array, expected: ShardPlace): Promise<ShardReader> {
  const header = readShardHeader(value)
  checkPlace(header, expected)
  const body = shardBody(value)
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body))
  if (!sameDigest(digest, header.sha256)) {
    throw new ArtifactError('checksum', `shard ${header.index} does not match its checksum`)
  }
  try {
    return reader(header, header.compression === 'none' ? body : await inflateRaw(body))
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
