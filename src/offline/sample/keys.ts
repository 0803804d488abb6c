/**
 * @module
 * Hash-based sampling keys shared by the node engine and the SQL in sql/: a membership (board g,
 * pin p) sorts by (hash32(`${seed}:${salt}:${boardId}`) + hash32(`${seed}:${pinId}`)) mod 2^32, then
 * by pin id. A sample is "the k smallest keys", so it depends on the ids and the seed only, never
 * on row order, and any engine that can compute MD5 draws the same one.
 */

import { hash32 } from './hash32'

/** Which sample a board key is for: board size cap, diversity test, diversity baseline. */
export type SampleSalt = 'cap' | 'div' | 'base'

export type SampleKeys = {
  /** Key of the membership (g, p) for `salt`, an integer in [0, 2^32). */
  key(g: number, p: number, salt: SampleSalt): number
}

const TWO_32 = 4294967296

/** Lazily hashed keys over the ids of a build (each id is hashed at most once per salt). */
export function createSampleKeys(
  pinIds: ArrayLike<string> | ((p: number) => string),
  boardIds: ArrayLike<string> | ((g: number) => string),
  seed: number
): SampleKeys {
  const pinId = typeof pinIds === 'function' ? pinIds : (p: number) => pinIds[p]!
  const boardId = typeof boardIds === 'function' ? boardIds : (g: number) => boardIds[g]!
  const pins = new Map<number, number>()
  const boards: Record<SampleSalt, Map<number, number>> = {
    cap: new Map(),
    div: new Map(),
    base: new Map(),
  }
  return {
    key(g, p, salt) {
      let hp = pins.get(p)
      if (hp === undefined) {
        hp = hash32(`${seed}:${pinId(p)}`)
        pins.set(p, hp)
      }
      const cache = boards[salt]
      let hb = cache.get(g)
      if (hb === undefined) {
        hb = hash32(`${seed}:${salt}:${boardId(g)}`)
        cache.set(g, hb)
      }
      return (hb + hp) % TWO_32
    },
  }
}

/** Keys for tables without string ids (tests, benches): ids are the decimal indices. */
export const indexSampleKeys = (seed: number): SampleKeys =>
  createSampleKeys(
    (p) => String(p),
    (g) => String(g),
    seed
  )
