import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { createRandom } from '../../src/core/random'
import { BuildError } from '../../src/offline/errors'
import {
  nearestNeighbours,
  prepareWasmBackend,
  recallAgainstExact,
  searchNeighbours,
} from '../../src/offline/pin2vec'
import {
  createScanMemory,
  instantiateScan,
  QUANT_SCALE,
} from '../../src/offline/pin2vec/knn-kernel'
import { kthLargest } from '../../src/offline/pin2vec/knn-scan'
import { selectTopHeap, selectTopRows, sortHeapRows } from '../../src/offline/pin2vec/knn-select'

/** Clustered rows: `clusters` random centres plus uniform noise. */
function clustered(n: number, dims: number, clusters: number, seed: number): tf.Tensor2D {
  const rng = createRandom(seed)
  const centres = Array.from({ length: clusters }, () =>
    Array.from({ length: dims }, () => rng.next() * 2 - 1)
  )
  const values = new Float32Array(n * dims)
  for (let i = 0; i < n; i++) {
    const c = centres[i % clusters]!
    for (let k = 0; k < dims; k++) {
      values[i * dims + k] = c[k]! + (rng.next() - 0.5) * 0.8
    }
  }
  return tf.tensor2d(values, [n, dims])
}

describe('int16 scan kernel', () => {
  it('returns exactly the pairs whose integer dot product beats the floor, with that product', () => {
    const dims = 16
    const nq = 5
    const nm = 40
    const memory = createScanMemory(1 << 16)
    const scan = instantiateScan(dims, memory)
    const rows = new Int16Array(memory.buffer, 0, (nq + nm) * dims)
    // Unit rows quantised as the index does: the int32 lanes cannot overflow (sum |x_k y_k| <= 1).
    const rng = createRandom(3)
    for (let r = 0; r < nq + nm; r++) {
      const x = Array.from({ length: dims }, () => rng.next() * 2 - 1)
      const norm = Math.hypot(...x)
      x.forEach((v, k) => {
        rows[r * dims + k] = Math.round((v / norm) * QUANT_SCALE)
      })
    }
    const dot = (a: number, b: number): number => {
      let s = 0
      for (let k = 0; k < dims; k++) {
        s += rows[a * dims + k]! * rows[b * dims + k]!
      }
      return s
    }
    const floorPtr = (nq + nm) * dims * 2
    const outPtr = floorPtr + nq * 4
    const floors = new Int32Array(memory.buffer, floorPtr, nq)
    floors.set([-(2 ** 31), 0, 3e8, -3e8, 2 ** 31 - 1])
    const found = scan(0, nq, nq * dims * 2, nm, floorPtr, outPtr)
    const out = new Int32Array(memory.buffer, outPtr, found * 3)
    const expected: number[] = []
    for (let i = 0; i < nq; i++) {
      for (let j = 0; j < nm; j++) {
        const s = dot(i, nq + j)
        if (s > floors[i]!) {
          expected.push(i, j, s)
        }
      }
    }
    expect(found).toBe(expected.length / 3)
    expect(found).toBeGreaterThan(nm) // the -2^31 floor keeps every pair of query 0
    expect(Array.from(out)).toEqual(expected)
  })

  it('rejects row widths its 8-lane loads cannot read', () => {
    expect(() => instantiateScan(12, createScanMemory(1 << 16))).toThrow(/divisible by 8/)
  })
})

describe('selection helpers', () => {
  it('kthLargest agrees with sorting, duplicates included', () => {
    const rng = createRandom(5)
    for (const n of [1, 2, 7, 100, 1000]) {
      const values = Int32Array.from({ length: n }, () => Math.floor(rng.next() * 50))
      const sorted = Array.from(values).sort((a, b) => b - a)
      for (const k of [1, Math.ceil(n / 2), n]) {
        expect(kthLargest(values.slice(), n, k)).toBe(sorted[k - 1])
      }
    }
  })

  it('heap selection over several blocks gives the sorted lists of the insertion selection', () => {
    const rng = createRandom(8)
    const rows = 30
    const cols = 25
    const topN = 7
    const blocks = 4
    const sorted = {
      indices: new Int32Array(rows * topN).fill(-1),
      values: new Float32Array(rows * topN),
    }
    const heap = {
      indices: new Int32Array(rows * topN).fill(-1),
      values: new Float32Array(rows * topN),
    }
    const sizes = new Int32Array(rows)
    const self = Int32Array.from({ length: rows }, (_, r) => r * 3)
    const outRows = Int32Array.from({ length: rows }, (_, r) => r)
    for (let b = 0; b < blocks; b++) {
      // Distinct scores (no ties), so both selections must agree exactly.
      const scores = Float32Array.from({ length: rows * cols }, (_, i) => rng.next() + i * 1e-3)
      const ids = Int32Array.from({ length: cols }, (_, c) => b * cols + c)
      selectTopRows(
        scores,
        rows,
        cols,
        ids,
        self,
        outRows,
        topN,
        sorted.indices,
        sorted.values,
        true
      )
      selectTopHeap(scores, rows, cols, ids, self, outRows, topN, heap.indices, heap.values, sizes)
    }
    sortHeapRows(outRows, topN, heap.indices, heap.values, sizes)
    expect(Array.from(heap.indices)).toEqual(Array.from(sorted.indices))
    expect(Array.from(heap.values)).toEqual(Array.from(sorted.values))
    expect(sorted.indices.every((id, i) => id !== self[Math.floor(i / topN)])).toBe(true)
  })
})

describe('IVF neighbour search', () => {
  it('finds most exact neighbours with the int16 kernel and the float matMul', async () => {
    await prepareWasmBackend()
    const embeddings = clustered(3000, 16, 30, 9)
    const trained = new Uint8Array(3000).fill(1)
    const sample = Int32Array.from({ length: 200 }, (_, i) => i * 15)
    for (const kernel of ['int16', 'float'] as const) {
      const before = tf.memory().numTensors
      const approx = nearestNeighbours(embeddings, trained, 10, {
        method: 'ivf',
        ivf: { probes: 8, kernel },
      })
      expect(tf.memory().numTensors).toBe(before)
      expect(recallAgainstExact(embeddings, trained, approx.indices, 10, sample)).toBeGreaterThan(
        0.9
      )
      expect(approx.indices.every((j, i) => j !== Math.floor(i / 10))).toBe(true)
      // Best first, and the scores are the cosines (to the int16 rounding) of the ids listed.
      for (let i = 0; i < 3000 * 10; i += 10) {
        for (let k = 1; k < 10; k++) {
          expect(approx.scores[i + k]!).toBeLessThanOrEqual(approx.scores[i + k - 1]!)
        }
      }
    }
    embeddings.dispose()
  })

  it('gives the same lists on two worker threads as on the calling thread, and skips untrained rows', async () => {
    await prepareWasmBackend()
    const n = 2000
    const embeddings = clustered(n, 16, 20, 4)
    const trained = Uint8Array.from({ length: n }, (_, i) => (i % 7 === 3 ? 0 : 1))
    // One kernel only: each search starts its workers twice, seconds apiece on a loaded machine.
    for (const kernel of ['int16'] as const) {
      const options = { method: 'ivf' as const, ivf: { lists: 40, probes: 6, kernel } }
      const one = nearestNeighbours(embeddings, trained, 8, options)
      const two = await searchNeighbours(embeddings, trained, 8, { ...options, threads: 2 })
      expect(Array.from(two.indices)).toEqual(Array.from(one.indices))
      expect(Array.from(two.scores)).toEqual(Array.from(one.scores))
      for (let i = 0; i < n; i++) {
        const row = one.indices.subarray(i * 8, i * 8 + 8)
        if (trained[i] === 0) {
          expect(row.every((j) => j === -1)).toBe(true)
        } else {
          expect(row.every((j) => j >= 0 && trained[j] === 1)).toBe(true)
        }
      }
    }
    embeddings.dispose()
  }, 240_000)

  it('searches only the rows asked for, giving them the lists a full search gives', async () => {
    await prepareWasmBackend()
    const n = 1500
    const embeddings = clustered(n, 16, 15, 5)
    const trained = Uint8Array.from({ length: n }, (_, i) => (i % 9 === 4 ? 0 : 1))
    const queryRows = Uint8Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 1 : 0))
    const ivf = { method: 'ivf' as const, ivf: { lists: 30, probes: 5 } }
    for (const [label, options] of [
      ['exact', { method: 'exact' as const }],
      ['ivf', ivf],
    ] as const) {
      const full = nearestNeighbours(embeddings, trained, 8, options)
      const some = nearestNeighbours(embeddings, trained, 8, { ...options, queryRows })
      const twoThreads = await searchNeighbours(embeddings, trained, 8, {
        ...options,
        queryRows,
        threads: 2,
      })
      for (let i = 0; i < n; i++) {
        const row = (x: Int32Array) => Array.from(x.subarray(i * 8, i * 8 + 8))
        const expected = queryRows[i] === 1 ? row(full.indices) : new Array(8).fill(-1)
        expect(row(some.indices), `${label} row ${i}`).toEqual(expected)
        expect(row(twoThreads.indices), `${label} row ${i}, 2 threads`).toEqual(expected)
      }
      expect(some.indices.some((j) => j >= 0)).toBe(true)
    }
    embeddings.dispose()
  }, 240_000)

  it('stops before allocating when the memory estimate exceeds the limit', () => {
    const embeddings = clustered(500, 16, 5, 1)
    const trained = new Uint8Array(500).fill(1)
    expect(() =>
      nearestNeighbours(embeddings, trained, 10, { method: 'ivf', maxMemoryBytes: 1_000_000 })
    ).toThrow(BuildError)
    expect(() =>
      nearestNeighbours(embeddings, trained, 10, { method: 'ivf', maxMemoryBytes: 1_000_000 })
    ).toThrow(
      /\[build:neighbours\] neighbour search over 500 rows x 16 dims, top 10, \d+ probes needs about/
    )
    embeddings.dispose()
  })
})
