/**
 * @module
 * Dot products of one stored int8 vector against many, as a generated WebAssembly SIMD kernel.
 * The write stage scores the Pin2Vec cosine of every candidate in a pin's union (up to 200 per
 * pin, every pin of the catalog), and the JavaScript loop doing so was the largest self time in
 * a CPU profile of the 100k build's write stage. Products of int8 values summed in int32 are
 * exact, so the kernel's dot is the same integer that JavaScript computes.
 */

import {
  I32,
  i32Const,
  localGet,
  localSet,
  localTee,
  OP,
  PAGE,
  simd,
  singleFunctionModule,
  uleb,
  V128,
  WASM,
  type WasmMemory,
} from './wasm-emit'

const V128_LOAD = 0x00
const I16X8_EXTEND_LOW_I8X16_S = 0x87
const I16X8_EXTEND_HIGH_I8X16_S = 0x88
const I32X4_EXTRACT = 0x1b
const I32X4_ADD = 174
const I32X4_DOT_I16X8_S = 186
const I32_STORE = 0x36

/** Largest table the kernel takes: wasm32 memory is at most 65,536 pages (4 GiB), less scratch. */
export const MAX_DOT_TABLE_BYTES = 2 ** 32 - 16 * PAGE

/**
 * dots(own, idx, count, out): for k < count, out[k] = dot(row own, row idx[k]) of the int8 rows
 * of `dims` bytes at offset 0; idx and out are byte offsets of int32 arrays.
 */
export function emitDotKernel(dims: number, pages: number): Uint8Array {
  if (dims % 16 !== 0) {
    throw new RangeError(`the int8 dot kernel needs dims divisible by 16, got ${dims}`)
  }
  const chunks = dims / 16
  const [OWN, IDX, COUNT, OUT] = [0, 1, 2, 3]
  const [K, P] = [4, 5]
  /** The own row, widened to int16: two v128 locals per 16-byte chunk. */
  const ROW = 6
  const ACC = ROW + 2 * chunks
  const WIDE = ACC + 1
  const code: number[] = []
  const emit = (...parts: number[][]): void => {
    for (const part of parts) {
      code.push(...part)
    }
  }
  for (let c = 0; c < chunks; c++) {
    emit(localGet(OWN), i32Const(dims), [OP.i32Mul])
    emit(simd(V128_LOAD, 0, ...uleb(c * 16)), localTee(WIDE))
    emit(simd(I16X8_EXTEND_LOW_I8X16_S), localSet(ROW + 2 * c))
    emit(localGet(WIDE), simd(I16X8_EXTEND_HIGH_I8X16_S), localSet(ROW + 2 * c + 1))
  }
  emit(i32Const(0), localSet(K))
  emit([OP.block, OP.void, OP.loop, OP.void])
  emit(localGet(K), localGet(COUNT), [OP.i32GeS], [OP.brIf, 1])
  // p = idx[k] * dims
  emit(localGet(IDX), localGet(K), i32Const(4), [OP.i32Mul, OP.i32Add, OP.i32Load, 2, 0])
  emit(i32Const(dims), [OP.i32Mul], localSet(P))
  for (let c = 0; c < chunks; c++) {
    emit(localGet(P), simd(V128_LOAD, 0, ...uleb(c * 16)), localTee(WIDE))
    emit(simd(I16X8_EXTEND_LOW_I8X16_S), localGet(ROW + 2 * c), simd(I32X4_DOT_I16X8_S))
    if (c > 0) {
      emit(simd(I32X4_ADD))
    }
    emit(localGet(WIDE), simd(I16X8_EXTEND_HIGH_I8X16_S), localGet(ROW + 2 * c + 1))
    emit(simd(I32X4_DOT_I16X8_S), simd(I32X4_ADD))
  }
  emit(localSet(ACC))
  // out[k] = the sum of the accumulator's four lanes
  emit(localGet(OUT), localGet(K), i32Const(4), [OP.i32Mul, OP.i32Add])
  emit(localGet(ACC), simd(I32X4_EXTRACT, 0))
  for (let lane = 1; lane < 4; lane++) {
    emit(localGet(ACC), simd(I32X4_EXTRACT, lane), [OP.i32Add])
  }
  emit([I32_STORE, 2, 0])
  emit(localGet(K), i32Const(1), [OP.i32Add], localSet(K))
  emit([OP.br, 0, OP.end, OP.end])

  return singleFunctionModule({
    exportName: 'dots',
    params: 4,
    results: [],
    locals: [
      [2, I32],
      [2 * chunks + 2, V128],
    ],
    code,
    pages,
  })
}

/** An int8 row table in wasm memory and the kernel over it. */
export type Int8DotTable = {
  /** rows × dims int8 values, row-major: fill it before calling dots. */
  readonly table: Int8Array
  /**
   * out[k] = dot(row own, row members[k]) for k < count (count ≤ capacity). `out` is a view of
   * the kernel's memory, overwritten by the next call.
   */
  dots(own: number, members: Int32Array, count: number): Int32Array
}

/**
 * A table of `rows` int8 rows with room for `capacity` dot products per call, or null when the
 * kernel cannot take it (dims not a multiple of 16, or a table over MAX_DOT_TABLE_BYTES): callers
 * then compute the dot products in JavaScript.
 */
export function int8DotTable(rows: number, dims: number, capacity: number): Int8DotTable | null {
  const tableBytes = rows * dims
  if (dims % 16 !== 0 || tableBytes > MAX_DOT_TABLE_BYTES) {
    return null
  }
  const idxAt = Math.ceil(tableBytes / 16) * 16
  const outAt = idxAt + capacity * 4
  const pages = Math.max(1, Math.ceil((outAt + capacity * 4) / PAGE))
  let memory: WasmMemory
  try {
    memory = new WASM.Memory({ initial: pages, maximum: pages, shared: true })
  } catch {
    return null // no room for one more memory this size: the JavaScript loop needs none
  }
  const module = new WASM.Module(emitDotKernel(dims, pages))
  const instance = new WASM.Instance(module, { env: { mem: memory } })
  const kernel = (
    instance.exports as unknown as {
      dots: (own: number, idx: number, count: number, out: number) => void
    }
  ).dots
  const idx = new Int32Array(memory.buffer, idxAt, capacity)
  const out = new Int32Array(memory.buffer, outAt, capacity)
  return {
    table: new Int8Array(memory.buffer, 0, tableBytes),
    dots(own, members, count) {
      if (count > capacity) {
        throw new RangeError(`int8 dot table: ${count} rows asked, room for ${capacity}`)
      }
      idx.set(members.subarray(0, count))
      kernel(own, idxAt, count, outAt)
      return out
    },
  }
}
