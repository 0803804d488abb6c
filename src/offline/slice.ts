/**
 * @module
 * Shard slices: `build --from-candidates DIR --shard-slice i/n` encodes only the shards s with
 * s mod n = i, so n machines assemble one build in parallel. The pin → shard map depends only on
 * the shard count, so every slice agrees on it without talking to the others; the files a slice
 * writes are named so that copying the slices' directories together is the whole join.
 */

/** Slice `index` of `count` (0 ≤ index < count). */
export type ShardSlice = { index: number; count: number }

/** Every shard in one slice: what a build without `--shard-slice` is. */
export const WHOLE: ShardSlice = { index: 0, count: 1 }

/**
 * `i/n` → a slice, or a sentence saying what is wrong (the CLI turns it into a flag error).
 * Decimal integers only, so `1e1/3` or `0x1/3` are not silently read as numbers.
 */
export function parseShardSlice(raw: string): ShardSlice | string {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw)
  if (!m) {
    return 'expected i/n with integers 0 <= i < n, e.g. 0/3 (slices 0/3, 1/3 and 2/3 make one build).'
  }
  const index = Number(m[1])
  const count = Number(m[2])
  if (count < 1) {
    return 'n (the number of slices) must be at least 1.'
  }
  if (index >= count) {
    return `i must be below n: the slices of ${count} are 0/${count} to ${count - 1}/${count}.`
  }
  return { index, count }
}

export const sliceLabel = (slice: ShardSlice): string => `${slice.index}/${slice.count}`

/** File-name form of a slice: `slice-1-of-3`. */
export const sliceName = (slice: ShardSlice): string => `slice-${slice.index}-of-${slice.count}`

/** Does shard `s` belong to `slice`? */
export const ownsShard = (slice: ShardSlice, s: number): boolean => s % slice.count === slice.index

/** Shards of `slice` in a build of `shardCount` shards. */
export const sliceShardCount = (slice: ShardSlice, shardCount: number): number =>
  Math.max(0, Math.ceil((shardCount - slice.index) / slice.count))

/** `slice-1-of-3…` → the slice, else null. */
export function sliceOfName(name: string): ShardSlice | null {
  const m = /^slice-(\d+)-of-(\d+)(?:-|\.)/.exec(name)
  return m ? { index: Number(m[1]), count: Number(m[2]) } : null
}
