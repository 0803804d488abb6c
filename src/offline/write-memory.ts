/**
 * @module
 * The write stage's memory estimate, checked before planArtifacts allocates: the stored int8
 * vectors (in the dot kernel's memory), their signatures, norms and scales; every pin's entry
 * object and encoded bytes (PinEntries keeps each one for the whole plan); and the union scratch
 * and shard order, all per pin. Shards in flight and their records are a few MB at any size.
 */

import { signatureBytes } from '../core/artifact'
import type { AssembleOptions } from './assemble'
import type { Sources } from './candidate-sources'
import type { PinMeta } from './inputs'
import { checkMemory, type MemoryBudget } from './memory'

/** V8's size of one entry object (nine fields) with its slot in the entries array, rounded up. */
const ENTRY_OBJECT_BYTES = 160

/**
 * The write stage's big allocations for these pins (with Pin2Vec vectors of `dims`, 0 for none),
 * itemised for checkMemory.
 */
export function writeMemoryParts(
  ids: readonly string[],
  meta: PinMeta,
  dims: number,
  pinsPerShard: number
): Record<string, number> {
  const n = ids.length
  const sigBytes = dims > 0 ? signatureBytes(dims) : 0
  let text = 0
  for (let i = 0; i < n; i++) {
    // UTF-8 can take up to 3 bytes per UTF-16 unit; ids, titles and URLs are mostly ASCII.
    text +=
      (ids[i]?.length ?? 0) +
      (meta.title[i]?.length ?? 0) +
      (meta.imageUrl[i]?.length ?? 0) +
      (meta.link[i]?.length ?? 0)
  }
  const shards = Math.ceil(n / Math.max(1, pinsPerShard))
  return {
    'stored vectors, signatures, norms and scales': dims > 0 ? n * (dims + sigBytes + 12) : 0,
    'pin entries (objects and encoded bytes)': n * (ENTRY_OBJECT_BYTES + 12 + sigBytes + 8) + text,
    'union scratch and shard order': n * 16 + shards * 4,
  }
}

/** Fail before the write stage allocates when its estimate does not fit the budget. */
export function checkWriteMemory(
  budget: MemoryBudget,
  ids: readonly string[],
  meta: PinMeta,
  sources: Sources,
  options: AssembleOptions
): void {
  checkMemory(
    budget,
    'write',
    `Writing ${ids.length.toLocaleString('en')} pins' shards`,
    writeMemoryParts(ids, meta, sources.pin2vec?.dims ?? 0, options.pinsPerShard),
    'Give the build more memory (--max-memory, or a machine with more), or lower --dims for smaller stored vectors.'
  )
}
