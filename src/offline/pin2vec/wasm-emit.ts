/**
 * @module
 * A minimal WebAssembly binary writer: just enough (LEB128, sections, the opcodes the SGNS kernel
 * uses) to emit a module from TypeScript without a toolchain (no wabt or AssemblyScript here).
 */

/** Shared linear memory of a generated kernel, seen by every thread that instantiates it. */
export type WasmMemory = { readonly buffer: SharedArrayBuffer }

/** The slice of the WebAssembly JS API the kernels use (this program's libs have no DOM types). */
type WasmApi = {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory
  Module: new (bytes: Uint8Array) => object
  Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>
  ) => { exports: Record<string, unknown> }
}
export const WASM = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly

/** WebAssembly page size in bytes. */
export const PAGE = 65536

export const I32 = 0x7f
export const I64 = 0x7e
export const F32 = 0x7d
export const F64 = 0x7c
export const V128 = 0x7b

/** Opcodes used by kernel.ts (core spec and the SIMD proposal, prefixed 0xfd). */
export const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  void: 0x40,
  call: 0x10,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  globalGet: 0x23,
  globalSet: 0x24,
  i32Load: 0x28,
  f32Load: 0x2a,
  f32Store: 0x38,
  i32Const: 0x41,
  i64Const: 0x42,
  f32Const: 0x43,
  f64Const: 0x44,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32LtU: 0x49,
  i32LeS: 0x4c,
  i32LeU: 0x4d,
  i32GeS: 0x4e,
  f32Lt: 0x5d,
  f32Gt: 0x5e,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32RemU: 0x70,
  i32Shl: 0x74,
  i64Add: 0x7c,
  i64Mul: 0x7e,
  i64ShrU: 0x88,
  i64Or: 0x84,
  i64Shl: 0x86,
  f32Add: 0x92,
  f32Sub: 0x93,
  f32Mul: 0x94,
  f64Add: 0xa0,
  i32WrapI64: 0xa7,
  i32TruncF32S: 0xa8,
  i64ExtendI32U: 0xad,
  f64PromoteF32: 0xbb,
  simd: 0xfd,
} as const

/** SIMD sub-opcodes (after OP.simd, LEB128-encoded). */
export const SIMD = {
  load: 0x00,
  store: 0x0b,
  f32x4Splat: 0x13,
  f32x4ExtractLane: 0x1f,
  f32x4Add: 0xe4,
  f32x4Mul: 0xe6,
} as const

export function uleb(value: number): number[] {
  const out: number[] = []
  let v = value >>> 0
  do {
    let byte = v & 0x7f
    v >>>= 7
    if (v !== 0) {
      byte |= 0x80
    }
    out.push(byte)
  } while (v !== 0)
  return out
}

/** Signed LEB128 for values that fit an i32 (i32.const / i64.const immediates). */
export function sleb(value: number): number[] {
  const out: number[] = []
  let v = value | 0
  for (;;) {
    const byte = v & 0x7f
    v >>= 7
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte)
      return out
    }
    out.push(byte | 0x80)
  }
}

export function f32Bytes(value: number): number[] {
  return Array.from(new Uint8Array(Float32Array.of(value).buffer))
}

export function name(text: string): number[] {
  const bytes = Array.from(Buffer.from(text, 'utf8'))
  return [...uleb(bytes.length), ...bytes]
}

export function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()]
}

export function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body]
}

/** A function body: locals grouped as (count, type) runs, then code, then end. */
export function funcBody(locals: [number, number][], code: number[]): number[] {
  const body = [...vec(locals.map(([n, t]) => [...uleb(n), t])), ...code, OP.end]
  return [...uleb(body.length), ...body]
}

export const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]

/**
 * A module with one exported function over an imported shared memory of exactly `pages` pages
 * (env.mem): `params` i32 parameters, `results` value types, and its locals and code.
 */
export function singleFunctionModule(fn: {
  exportName: string
  params: number
  results: number[]
  locals: [number, number][]
  code: number[]
  pages: number
}): Uint8Array {
  const body = [...vec(fn.locals.map(([n, t]) => [...uleb(n), t])), ...fn.code, OP.end]
  const params = Array.from({ length: fn.params }, () => [I32])
  const types = section(1, vec([[0x60, ...vec(params), ...vec(fn.results.map((t) => [t]))]]))
  const memLimits = [0x03, ...uleb(fn.pages), ...uleb(fn.pages)]
  const imports = section(2, vec([[...name('env'), ...name('mem'), 0x02, ...memLimits]]))
  const funcs = section(3, vec([[0]]))
  const exports = section(7, vec([[...name(fn.exportName), 0x00, 0]]))
  const codeSection = section(10, vec([[...uleb(body.length), ...body]]))
  return Uint8Array.from([...HEADER, ...types, ...imports, ...funcs, ...exports, ...codeSection])
}

/** Instruction builders shared by the generated kernels. */
export const simd = (op: number, ...imm: number[]): number[] => [OP.simd, ...uleb(op), ...imm]
export const localGet = (i: number): number[] => [OP.localGet, ...uleb(i)]
export const localSet = (i: number): number[] => [OP.localSet, ...uleb(i)]
export const localTee = (i: number): number[] => [OP.localTee, ...uleb(i)]
export const i32Const = (v: number): number[] => [OP.i32Const, ...sleb(v)]
