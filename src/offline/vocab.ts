/**
 * @module
 * String ids to dense integers, and growable typed columns for ingested rows.
 */

export class Vocab {
  private readonly index = new Map<string, number>()
  readonly ids: string[] = []

  get size(): number {
    return this.ids.length
  }

  /** Dense index of `id`, adding it when new. */
  intern(id: string): number {
    let i = this.index.get(id)
    if (i === undefined) {
      i = this.ids.length
      this.index.set(id, i)
      this.ids.push(id)
    }
    return i
  }

  get(id: string): number | undefined {
    return this.index.get(id)
  }
}

/** An append-only Int32 / Float64 column that doubles its capacity as it grows. */
export class GrowableColumn<T extends Int32Array | Float64Array> {
  private data: T
  length = 0
  constructor(private readonly make: (n: number) => T) {
    this.data = make(1024)
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = this.make(this.data.length * 2)
      next.set(this.data)
      this.data = next
    }
    this.data[this.length++] = v
  }
  view(): T {
    return this.data.subarray(0, this.length) as T
  }
}

export const int32Column = (): GrowableColumn<Int32Array> =>
  new GrowableColumn((n) => new Int32Array(n))
export const float64Column = (): GrowableColumn<Float64Array> =>
  new GrowableColumn((n) => new Float64Array(n))
