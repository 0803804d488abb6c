import { describe, expect, it } from 'vitest'
import { blendOrder, blendTop } from '../../src/core/blend'
import { cosine, cosineRows, squaredRowNorms } from '../../src/core/quantize'
import { createRandom } from '../../src/core/random'
import { int8DotTable } from '../../src/offline/pin2vec/dot-kernel'

describe('blendTop', () => {
  const random = createRandom(5)
  /** Totals on a coarse grid, so that many tie and the pin-id tie-break decides. */
  const rankings = Array.from({ length: 200 }, (_, t) => {
    const n = 1 + random.int(180)
    const totals = Float64Array.from({ length: n }, () => Math.round(random.next() * 8) / 8)
    if (t % 7 === 0) {
      totals[random.int(n)] = -0
    }
    const ids = Array.from({ length: n }, (_, i) => `p${(i * 7919) % 1000}`)
    return { totals, ids }
  })

  it('gives the first k of blendOrder, ties included, for every k', () => {
    let compared = 0
    for (const { totals, ids } of rankings) {
      const idAt = (i: number): string => ids[i]!
      const full = blendOrder(totals, idAt)
      for (const k of [1, 2, 5, 20, 50, totals.length - 1, totals.length, totals.length + 3]) {
        expect(blendTop(totals, idAt, k)).toEqual(full.slice(0, k))
        compared++
      }
    }
    expect(compared).toBe(rankings.length * 8)
  })

  it('takes whole positions of a fractional k, all of them for Infinity, none below 1', () => {
    const { totals, ids } = rankings[3]!
    const idAt = (i: number): string => ids[i]!
    const full = blendOrder(totals, idAt)
    expect(blendTop(totals, idAt, 2.7)).toEqual(full.slice(0, 2))
    expect(blendTop(totals, idAt, Number.POSITIVE_INFINITY)).toEqual(full)
    for (const k of [0, 0.5, -3, Number.NaN]) {
      expect(blendTop(totals, idAt, k)).toEqual([])
    }
  })

  it('leaves a ranking with a NaN total to blendOrder', () => {
    const totals = Float64Array.from([0.5, Number.NaN, 0.9, 0.1, 0.7])
    const idAt = (i: number): string => `p${i}`
    expect(blendTop(totals, idAt, 2)).toEqual(blendOrder(totals, idAt).slice(0, 2))
  })
})

describe('cosineRows', () => {
  it('equals cosine() of the rows exactly, for int8 and float32 tables and zero rows', () => {
    const random = createRandom(9)
    const dims = 64
    const rows = 40
    const int8 = Int8Array.from({ length: rows * dims }, () => random.int(255) - 127)
    const float = Float32Array.from({ length: rows * dims }, () => random.next() * 2 - 1)
    int8.fill(0, 3 * dims, 4 * dims)
    float.fill(0, 5 * dims, 6 * dims)
    for (const table of [int8, float]) {
      const norms = squaredRowNorms(table, dims)
      expect(norms.length).toBe(rows)
      const row = (r: number) => table.subarray(r * dims, (r + 1) * dims)
      for (let a = 0; a < rows; a++) {
        for (let b = 0; b < rows; b++) {
          expect(cosineRows(table, norms, a, b, dims)).toBe(cosine(row(a), row(b)))
        }
      }
    }
  })
})

describe('int8 dot kernel', () => {
  it('gives the exact dot products JavaScript computes, extremes included', () => {
    const random = createRandom(21)
    for (const dims of [16, 64, 128]) {
      const rows = 300
      const kernel = int8DotTable(rows, dims, 64)
      expect(kernel).not.toBeNull()
      const { table } = kernel!
      for (let i = 0; i < table.length; i++) {
        table[i] = random.int(256) - 128
      }
      table.fill(-128, 0, dims) // row 0: the largest products, -128 * -128 summed
      table.fill(127, dims, 2 * dims)
      const members = Int32Array.from({ length: 64 }, (_, k) => (k < 3 ? k : random.int(rows)))
      for (const own of [0, 1, 7, rows - 1]) {
        const got = Array.from(kernel!.dots(own, members, members.length))
        const want = Array.from(members, (j) => {
          let dot = 0
          for (let d = 0; d < dims; d++) {
            dot += table[own * dims + d]! * table[j * dims + d]!
          }
          return dot
        })
        expect(got).toEqual(want)
      }
    }
  })

  it('declines what it cannot take, and refuses more members than its room', () => {
    expect(int8DotTable(10, 24, 8)).toBeNull()
    const kernel = int8DotTable(10, 16, 4)!
    expect(() => kernel.dots(0, new Int32Array(5), 5)).toThrow(/room for 4/)
  })
})
