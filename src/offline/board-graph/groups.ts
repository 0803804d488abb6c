/**
 * @module
 * Groups (boards) as CSR arrays of distinct item indices (src/offline/csr.ts), and their transpose.
 */

import { csrOffsets, rowCursors } from '../csr'
import { indexSampleKeys, type SampleKeys } from '../sample/keys'

/** Group g holds items[offsets[g] .. offsets[g + 1]). */
export type Groups = { offsets: Int32Array; items: Int32Array }

export type GroupStats = {
  groups: number
  memberships: number
  duplicateMemberships: number
  cappedGroups: number
  /** Memberships left out of pair counting because their group was above the size cap. */
  cappedMemberships: number
}

/**
 * Build CSR groups from parallel (group, item) arrays: duplicates inside a group are removed and
 * groups above `maxGroupSize` are sampled down to `maxGroupSize` items, so one giant board costs at
 * most maxGroupSize² pair updates. The sample keeps the members with the smallest 'cap' sample key
 * (sample/keys.ts; ties to the smaller pin), so it depends on ids and `seed`, not on row order, and
 * sql/board-cooc.sql keeps the same members. Without `keys`, ids are the decimal indices.
 */
export function buildGroups(
  groupOf: Int32Array,
  itemOf: Int32Array,
  groupCount: number,
  options: { maxGroupSize: number; seed: number; keys?: SampleKeys }
): { groups: Groups; stats: GroupStats } {
  const counts = csrOffsets(groupOf, groupCount)
  const raw = new Int32Array(itemOf.length)
  const cursor = rowCursors(counts)
  for (let i = 0; i < groupOf.length; i++) {
    const g = groupOf[i]!
    raw[cursor[g]!++] = itemOf[i]!
  }
  const offsets = new Int32Array(groupCount + 1)
  const items = new Int32Array(itemOf.length)
  const stats: GroupStats = {
    groups: groupCount,
    memberships: 0,
    duplicateMemberships: 0,
    cappedGroups: 0,
    cappedMemberships: 0,
  }
  const keys = options.keys ?? indexSampleKeys(options.seed)
  let out = 0
  for (let g = 0; g < groupCount; g++) {
    const members = raw.subarray(counts[g]!, counts[g + 1]!).sort()
    let distinct = 0
    for (let i = 0; i < members.length; i++) {
      if (i === 0 || members[i] !== members[i - 1]) {
        members[distinct++] = members[i]!
      }
    }
    stats.duplicateMemberships += members.length - distinct
    let kept = members.subarray(0, distinct)
    if (distinct > options.maxGroupSize) {
      const key = new Float64Array(distinct)
      for (let i = 0; i < distinct; i++) {
        key[i] = keys.key(g, kept[i]!, 'cap')
      }
      const order = Array.from(kept.keys()).sort((a, b) => key[a]! - key[b]! || kept[a]! - kept[b]!)
      const sample = Int32Array.from(order.slice(0, options.maxGroupSize), (i) => kept[i]!)
      kept.set(sample)
      stats.cappedGroups++
      stats.cappedMemberships += distinct - options.maxGroupSize
      kept = kept.subarray(0, options.maxGroupSize).sort()
    }
    items.set(kept, out)
    out += kept.length
    offsets[g + 1] = out
  }
  stats.memberships = out + stats.cappedMemberships
  return { groups: { offsets, items: items.slice(0, out) }, stats }
}

/** Item → groups transpose of `groups`. */
export function transposeGroups(groups: Groups, itemCount: number): Groups {
  const offsets = csrOffsets(groups.items, itemCount)
  const cursor = rowCursors(offsets)
  const out = new Int32Array(groups.items.length)
  const groupCount = groups.offsets.length - 1
  for (let g = 0; g < groupCount; g++) {
    for (let k = groups.offsets[g]!; k < groups.offsets[g + 1]!; k++) {
      out[cursor[groups.items[k]!]!++] = g
    }
  }
  return { offsets, items: out }
}
