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

  /**
   * Renumber the ids in UTF-8 byte order (code point order), the order SQL engines compare
   * VARCHARs in, so "ties go to the smaller index" means "to the smaller id" in every engine.
   * Returns old index → new index.
   */
  sortById(): Int32Array {
    const order = Array.from(this.ids.keys())
    const ids = this.ids
    // UTF-16 order equals code point order unless a string holds a surrogate or U+E000..U+FFFF.
    const wide = ids.some((id) => /[\ud800-\uffff]/.test(id))
    order.sort(
      wide ? (a, b) => compareCodePoints(ids[a]!, ids[b]!) : (a, b) => (ids[a]! < ids[b]! ? -1 : 1)
    )
    const remap = new Int32Array(order.length)
    const sorted = order.map((old, i) => {
      remap[old] = i
      return ids[old]!
    })
    this.index.clear()
    sorted.forEach((id, i) => {
      ids[i] = id
      this.index.set(id, i)
    })
    return remap
  }
}

function compareCodePoints(a: string, b: string): number {
  const x = [...a]
  const y = [...b]
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!
    if (d !== 0) {
      return d
    }
  }
  return x.length - y.length
}

/** Apply an old → new index map to a column in place. */
export function remapColumn(column: Int32Array, remap: Int32Array): void {
  for (let i = 0; i < column.length; i++) {
    column[i] = remap[column[i]!]!
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
