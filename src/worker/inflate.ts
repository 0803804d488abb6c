/**
 * @module
 * The worker's shard inflater: node:zlib's synchronous raw inflate (workerd implements it natively
 * under the `nodejs_compat` flag). Measured inside workerd on the 100k edge-bench shards (33 KB
 * raw each), it takes about half the time of DecompressionStream, whose stream plumbing is most of
 * that cost; see docs/benchmarks.md, edge. `openServedShard` is how the worker opens a shard value:
 * the store on every miss, and /__debug/miss-cpu when it times that path.
 */

import { inflateRawSync } from 'node:zlib'
import { type InflateRaw, openShard, type ShardPlace } from '../core/artifact'

export const inflateShardBody: InflateRaw = (body) => {
  const out = inflateRawSync(body)
  // A plain view, not the Buffer: subarray() of a Uint8Array subclass goes through its species
  // constructor, and the reader takes thousands of them (decode time doubled on a Buffer).
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
}

/** Check and open a shard value as the worker serves it (core's openShard with this inflater). */
export const openServedShard = (value: Uint8Array, place: ShardPlace) =>
  openShard(value, place, inflateShardBody)
