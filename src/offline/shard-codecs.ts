/**
 * @module
 * node:zlib and node:crypto behind core's runtime-neutral shard codec (src/core/artifact/shard.ts).
 */

import { createHash } from 'node:crypto'
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib'
import type { ShardCodecs } from '../core/artifact'

const sha256 = (bytes: Uint8Array): Uint8Array => createHash('sha256').update(bytes).digest()

/** Level 9: shards are written once and read many times; see docs/artifact-format.md for sizes. */
export const NODE_SHARD_CODECS: ShardCodecs = {
  deflateRaw: (raw) => deflateRawSync(raw, { level: constants.Z_BEST_COMPRESSION }),
  sha256,
}

/** No compression: for shards read back in the same process right away (the blend fit's). */
export const NODE_SHARD_CODECS_UNCOMPRESSED: ShardCodecs = { sha256 }

export const NODE_SHARD_READ = {
  inflateRaw: (body: Uint8Array): Uint8Array => inflateRawSync(body),
  sha256,
}
