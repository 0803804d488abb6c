/**
 * @module
 * Cache admission on the second miss: an answer is stored (isolate memo and Cache API) only when
 * its normalised request has missed before in this isolate. Under Zipf traffic over a large
 * catalog most keys are asked once ("one-hit wonders", the reason CDNs cache on second hit), and
 * storing each of them cost every miss a body copy and a Cache API write that nobody reads back:
 * in the edge bench's every-request-distinct workload the write was most of the miss's cost.
 */

import { fnv1a32 } from '../core/hash'

/** Keys (as 32-bit hashes) that missed once, forgotten first in, first out past `capacity`. */
export class SecondMissFilter {
  private readonly seen = new Set<number>()
  private readonly ring: Uint32Array
  private next = 0

  constructor(private readonly capacity: number) {
    this.ring = new Uint32Array(capacity)
  }

  /**
   * Whether to store the answer of `key`, which just missed: true when it missed before (a hash
   * collision only admits a key one miss early). A first miss is remembered, and false.
   */
  admit(key: string): boolean {
    const hash = fnv1a32(key)
    if (this.seen.has(hash)) {
      return true
    }
    if (this.seen.size >= this.capacity) {
      this.seen.delete(this.ring[this.next] as number)
    }
    this.ring[this.next] = hash
    this.next = (this.next + 1) % this.capacity
    this.seen.add(hash)
    return false
  }
}

/** 64k keys: about 1 MB of the isolate's 128 MB, several minutes of one isolate's misses. */
export const secondMissFilter = new SecondMissFilter(65_536)
