/**
 * @module
 * Peer baseline, written independently of the pipeline on purpose: SAR-style item-item
 * co-occurrence over training sessions scored by Jaccard,
 *   jaccard(i, j) = c(i, j) / (n(i) + n(j) − c(i, j)),
 * where c counts sessions holding both pins and n sessions holding one.
 */

export class SarBaseline {
  private readonly sessionsOf = new Map<number, number[]>()
  private readonly sessionPins: number[][] = []
  private readonly cache = new Map<number, Int32Array>()

  /** `sessions`: each training session as its list of engaged pins (repeats allowed). */
  constructor(sessions: Iterable<ArrayLike<number>>) {
    for (const session of sessions) {
      const pins = [...new Set(Array.from(session))]
      if (pins.length < 2) {
        continue
      }
      const s = this.sessionPins.length
      this.sessionPins.push(pins)
      for (const p of pins) {
        let list = this.sessionsOf.get(p)
        if (!list) {
          list = []
          this.sessionsOf.set(p, list)
        }
        list.push(s)
      }
    }
  }

  /** The `k` pins with the highest Jaccard to `pin` (ties by pin index). */
  recommend(pin: number, k: number): Int32Array {
    const cached = this.cache.get(pin)
    if (cached && cached.length >= Math.min(k, cached.length)) {
      return cached.subarray(0, k)
    }
    const counts = new Map<number, number>()
    for (const s of this.sessionsOf.get(pin) ?? []) {
      for (const other of this.sessionPins[s]!) {
        if (other !== pin) {
          counts.set(other, (counts.get(other) ?? 0) + 1)
        }
      }
    }
    const ni = this.sessionsOf.get(pin)?.length ?? 0
    const scored = [...counts].map(
      ([j, c]) => [j, c / (ni + (this.sessionsOf.get(j)?.length ?? 0) - c)] as const
    )
    scored.sort((a, b) => b[1] - a[1] || a[0] - b[0])
    const top = Int32Array.from(scored.slice(0, k), ([j]) => j)
    this.cache.set(pin, top)
    return top
  }
}
