/**
 * @module
 * The IVF search's inner loop as a generated WebAssembly SIMD kernel: int16 dot products of a
 * block of queries against a run of list members, keeping only the pairs that beat each query's
 * current k-th best. Unit vectors quantised at 32767 keep cosines to ~1e-5 (the sum of 64
 * products, each rounded by at most 1.5e-5 relative); i32x4.dot_i16x8_s does 8 multiply-adds per
 * instruction where f32x4 does 4 with a separate add, and the threshold in the loop spares
 * writing and rescanning a score matrix (that scan took more time than tfjs's matMul).
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
  WASM,
  type WasmMemory,
} from './wasm-emit'

/** Quantisation scale of the int16 rows: |x| <= 1 for unit vectors, so 32767 fits int16. */
export const QUANT_SCALE = 32767

/** Bytes per WebAssembly page. */

/** The kernel's shared memory (one per search, seen by both threads). */
export type ScanMemory = WasmMemory

const get = localGet
const set = localSet
const tee = localTee
const i32c = i32Const
const V128_LOAD = 0x00
const I32X4_EXTRACT = 0x1b
const I32X4_ADD = 174
const I32X4_DOT_I16X8_S = 186
const I32_STORE = 0x36
const I32_GT_S = 0x4a

/**
 * scan(q, nq, m, nm, floors, out) -> count: for query i < nq (int16 rows at q) and member j < nm
 * (rows at m), when dot(q_i, m_j) > floors[i] (int32), write (i, j, dot) as three int32 at out and
 * advance; returns the number of triples written (at most nq * nm).
 */
export function emitScanKernel(dims: number, pages: number): Uint8Array {
  if (dims % 8 !== 0) {
    throw new RangeError(`the int16 scan kernel needs dims divisible by 8, got ${dims}`)
  }
  const lanes = dims / 8
  const rowBytes = dims * 2
  const [Q, NQ, M, NM, FLOORS, OUT] = [0, 1, 2, 3, 4, 5]
  const [I, J, MP, FLOOR, COUNT, S, QV] = [6, 7, 8, 9, 10, 11, 12]
  const code: number[] = []
  const emit = (...parts: number[][]): void => {
    for (const p of parts) {
      code.push(...p)
    }
  }
  emit(i32c(0), set(COUNT), i32c(0), set(I))
  emit([OP.block, OP.void, OP.loop, OP.void])
  emit(get(I), get(NQ), [OP.i32GeS], [OP.brIf, 1])
  // Load query i into lanes v128 locals, and its floor.
  for (let k = 0; k < lanes; k++) {
    emit(get(Q), get(I), i32c(rowBytes), [OP.i32Mul, OP.i32Add])
    emit(simd(V128_LOAD, 4, ...uleb(k * 16)), set(QV + k))
  }
  emit(get(FLOORS), get(I), i32c(4), [OP.i32Mul, OP.i32Add, OP.i32Load, 2, 0], set(FLOOR))
  emit(get(M), set(MP), i32c(0), set(J))
  emit([OP.block, OP.void, OP.loop, OP.void])
  emit(get(J), get(NM), [OP.i32GeS], [OP.brIf, 1])
  for (let k = 0; k < lanes; k++) {
    emit(get(QV + k), get(MP), simd(V128_LOAD, 4, ...uleb(k * 16)), simd(I32X4_DOT_I16X8_S))
    if (k > 0) {
      emit(simd(I32X4_ADD))
    }
  }
  // Horizontal sum of the four int32 lanes (the accumulator sits on the stack: tee a v128 local).
  const ACC = QV + lanes
  emit(tee(ACC), simd(I32X4_EXTRACT, 0))
  for (let lane = 1; lane < 4; lane++) {
    emit(get(ACC), simd(I32X4_EXTRACT, lane), [OP.i32Add])
  }
  emit(tee(S), get(FLOOR), [I32_GT_S])
  emit([OP.if, OP.void])
  emit(get(OUT), get(I), [I32_STORE, 2, 0])
  emit(get(OUT), get(J), [I32_STORE, 2, 4])
  emit(get(OUT), get(S), [I32_STORE, 2, 8])
  emit(get(OUT), i32c(12), [OP.i32Add], set(OUT))
  emit(get(COUNT), i32c(1), [OP.i32Add], set(COUNT))
  emit([OP.end])
  emit(get(MP), i32c(rowBytes), [OP.i32Add], set(MP))
  emit(get(J), i32c(1), [OP.i32Add], set(J))
  emit([OP.br, 0, OP.end, OP.end])
  emit(get(I), i32c(1), [OP.i32Add], set(I))
  emit([OP.br, 0, OP.end, OP.end])
  emit(get(COUNT))

  const V128 = 0x7b
  return singleFunctionModule({
    exportName: 'scan',
    params: 6,
    results: [I32],
    locals: [
      [6, I32],
      [lanes + 1, V128],
    ],
    code,
    pages,
  })
}

export type ScanFn = (
  q: number,
  nq: number,
  m: number,
  nm: number,
  floors: number,
  out: number
) => number

/** Shared memory of `bytes` (rounded up to pages) for the kernel and its worker threads. */
export function createScanMemory(bytes: number): ScanMemory {
  const pages = Math.ceil(bytes / PAGE)
  return new WASM.Memory({ initial: pages, maximum: pages, shared: true })
}

/** Compile and instantiate the kernel over `memory` on this thread. */
export function instantiateScan(dims: number, memory: ScanMemory): ScanFn {
  const pages = memory.buffer.byteLength / PAGE
  const module = new WASM.Module(emitScanKernel(dims, pages))
  const instance = new WASM.Instance(module, { env: { mem: memory } })
  return (instance.exports as unknown as { scan: ScanFn }).scan
}
