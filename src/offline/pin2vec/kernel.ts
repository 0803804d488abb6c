/**
 * @module
 * The SGNS pair update as a WebAssembly SIMD kernel, generated for the run's dims and table layout
 * (offsets and sizes become constants, the loops over dims are fully unrolled, the context row and
 * its gradient live in v128 locals). `pair` trains one (center, context) pair: the positive and
 * `negatives` negatives drawn from an alias table with word2vec's LCG, in f32 as word2vec and gensim
 * do. `train` runs the whole window loop over a run of centers of one session, so JS makes one call
 * per session rather than one per pair.
 */

import { ALIAS_ENTRY_INTS, EXP_TABLE_SIZE, MAX_EXP } from './tables'
import {
  F32,
  F64,
  f32Bytes,
  funcBody,
  HEADER,
  I32,
  I64,
  i32Const,
  localGet,
  localSet,
  name,
  OP,
  PAGE,
  SIMD,
  section,
  simd,
  uleb,
  V128,
  vec,
  WASM,
  type WasmMemory,
} from './wasm-emit'

/** wasm32 addresses at most 4 GiB; tables beyond that train with the JS loop instead. */
const MAX_PAGES = 65536

/** Byte offsets of every table inside the shared wasm memory. */
export type KernelLayout = {
  dims: number
  vocabSize: number
  negatives: number
  window: number
  /** Entries of the alias table (trained tokens, at least 1). */
  aliasSize: number
  threads: number
  /** Longest session after subsampling can be: each thread's session buffer holds it whole. */
  maxSession: number
  sigmoid: number
  softplus: number
  scratch: number
  scratchStride: number
  alias: number
  sen: number
  senStride: number
  syn0: number
  syn1: number
  pages: number
}

export type KernelPlan = Pick<
  KernelLayout,
  'dims' | 'vocabSize' | 'negatives' | 'window' | 'aliasSize' | 'threads' | 'maxSession'
>

/** Everything a thread needs to build its own instance over the shared memory. */
export type KernelSpec = { layout: KernelLayout; memory: WasmMemory; bytes: Uint8Array }

export type KernelInstance = {
  /** Train the pair (context row `context`, center `word`) at learning rate `alpha`. */
  pair: (context: number, word: number, alpha: number, scratch: number) => void
  /**
   * Train centers [from, to) of the session in `sen` (length `len`, tokens as i32 at byte offset
   * `senPtr`) with word2vec's random window shrink; returns the pairs trained.
   */
  train: (
    senPtr: number,
    len: number,
    from: number,
    to: number,
    alpha: number,
    scratch: number
  ) => number
  /** Sum of -log sigmoid(+-f) over every target since the last call (table-interpolated), then reset. */
  takeLoss: () => number
  seed: (lo: number, hi: number) => void
  /** f32 view of the scratch area: the logits of the last pair, NaN for a skipped negative. */
  scratch: Float32Array
  scratchPtr: number
  /** This thread's session buffer inside the wasm memory. */
  sen: Int32Array
  senPtr: number
}

const align16 = (n: number): number => Math.ceil(n / 16) * 16
/** Regions written by different threads, and the weight rows, start on their own cache-line pairs. */
const align128 = (n: number): number => Math.ceil(n / 128) * 128

/** Plan the memory, or null when the kernel cannot run these dims/sizes. */
export function planKernel(plan: KernelPlan): KernelLayout | null {
  const { dims, vocabSize, negatives, aliasSize, threads, maxSession } = plan
  if (dims % 4 !== 0 || dims > 512 || negatives > 64) {
    return null
  }
  const sigmoid = 0
  const softplus = align16((EXP_TABLE_SIZE + 1) * 4)
  const scratch = align128(softplus + (EXP_TABLE_SIZE + 1) * 4)
  // Each thread's scratch on its own cache lines (128 B: adjacent-line prefetch pairs them):
  // sharing one line made two threads slower than one (measured 172k vs 428k pairs/s).
  const scratchStride = Math.ceil(((negatives + 1) * 4) / 128) * 128
  const alias = align128(scratch + threads * scratchStride)
  const sen = align128(alias + aliasSize * ALIAS_ENTRY_INTS * 4)
  const senStride = align128(Math.max(1, maxSession) * 4)
  const syn0 = align128(sen + threads * senStride)
  const syn1 = align128(syn0 + vocabSize * dims * 4)
  const end = syn1 + vocabSize * dims * 4
  const pages = Math.ceil(end / PAGE)
  if (pages > MAX_PAGES) {
    return null
  }
  return {
    ...plan,
    sigmoid,
    softplus,
    scratch,
    scratchStride,
    alias,
    sen,
    senStride,
    syn0,
    syn1,
    pages,
  }
}

const memarg = (align: number, offset: number): number[] => [...uleb(align), ...uleb(offset)]
const get = localGet
const set = localSet
const i32c = i32Const
const f32c = (v: number): number[] => [OP.f32Const, ...f32Bytes(v)]
/** state = state * 25214903917 + 11: word2vec's next_random. */
const lcgStep = (): number[] => [
  OP.globalGet,
  0,
  OP.i64Const,
  ...i64Leb(25214903917n),
  OP.i64Mul,
  OP.i64Const,
  11,
  OP.i64Add,
  OP.globalSet,
  0,
]

/** Emit the module bytes for a layout. */
export function emitKernel(layout: KernelLayout): Uint8Array {
  const { dims, negatives, aliasSize, window } = layout
  const lanes = dims / 4
  const rowBytes = dims * 4
  // pair(context, word, alpha, scratch) locals after the 4 params:
  const [CTX, WORD, ALPHA, SCR] = [0, 1, 2, 3]
  const [L1, L2, D, TARGET] = [4, 5, 6, 7]
  const [F, G, LABEL] = [8, 9, 10]
  const [GV, ACC] = [11, 12]
  const X = 13 // x_0 .. x_{lanes-1}: the context (input) row
  const E = X + lanes // e_0 .. e_{lanes-1}: its accumulated gradient (word2vec's neu1e)
  const code: number[] = []
  const emit = (...parts: number[][]): void => {
    for (const p of parts) {
      code.push(...p)
    }
  }
  // l1 = syn0 + context * rowBytes; load the row into x_i.
  emit(get(CTX), i32c(rowBytes), [OP.i32Mul], i32c(layout.syn0), [OP.i32Add], set(L1))
  for (let i = 0; i < lanes; i++) {
    emit(get(L1), simd(SIMD.load, ...memarg(4, i * 16)), set(X + i))
  }
  emit(i32c(0), set(D))
  emit([OP.loop, OP.void])
  emit([OP.block, OP.void])
  // d == 0: the positive target; else a negative from the unigram table, skipped if it is the word.
  emit(get(D), [OP.i32Const, 0, OP.i32Eq], [OP.if, OP.void])
  emit(get(WORD), set(TARGET), f32c(1), set(LABEL))
  emit([OP.else])
  // Alias draw: slot = (top 32 bits * size) >> 32, then a fresh u32 against its threshold picks
  // the slot's own id or its alias. L2 holds the entry address for the moment.
  emit(lcgStep(), [
    OP.globalGet,
    0,
    OP.i64Const,
    32,
    OP.i64ShrU,
    OP.i64Const,
    ...i64Leb(BigInt(aliasSize)),
    OP.i64Mul,
  ])
  emit(
    [OP.i64Const, 32, OP.i64ShrU, OP.i32WrapI64],
    i32c(ALIAS_ENTRY_INTS * 4),
    [OP.i32Mul],
    set(L2)
  )
  emit(lcgStep(), get(L2), [OP.i32Load, ...memarg(2, layout.alias + 4)], get(L2), [
    OP.i32Load,
    ...memarg(2, layout.alias + 8),
  ])
  emit(
    [OP.globalGet, 0, OP.i64Const, 32, OP.i64ShrU, OP.i32WrapI64],
    get(L2),
    [OP.i32Load, ...memarg(2, layout.alias)],
    [OP.i32LtU, OP.select],
    set(TARGET)
  )
  emit(get(TARGET), get(WORD), [OP.i32Eq], [OP.if, OP.void])
  emit(
    get(SCR),
    get(D),
    i32c(2),
    [OP.i32Shl],
    [OP.i32Add],
    f32c(Number.NaN),
    [OP.f32Store, ...memarg(2, 0)],
    [OP.br, 2]
  )
  emit([OP.end])
  emit(f32c(0), set(LABEL))
  emit([OP.end])
  emit(get(TARGET), i32c(rowBytes), [OP.i32Mul], i32c(layout.syn1), [OP.i32Add], set(L2))
  // f = x . syn1[target], summed as a balanced tree so the adds do not form one long chain.
  const dot = (lo: number, hi: number): void => {
    if (hi - lo === 1) {
      emit(get(X + lo), get(L2), simd(SIMD.load, ...memarg(4, lo * 16)), simd(SIMD.f32x4Mul))
      return
    }
    const mid = (lo + hi) >> 1
    dot(lo, mid)
    dot(mid, hi)
    emit(simd(SIMD.f32x4Add))
  }
  dot(0, lanes)
  emit([OP.localTee, ACC], simd(SIMD.f32x4ExtractLane, 0))
  for (let lane = 1; lane < 4; lane++) {
    emit(get(ACC), simd(SIMD.f32x4ExtractLane, lane), [OP.f32Add])
  }
  emit(set(F))
  emit(get(SCR), get(D), i32c(2), [OP.i32Shl], [OP.i32Add], get(F), [OP.f32Store, ...memarg(2, 0)])
  // loss += softplus(f) - label * f, i.e. -log sigmoid(f) for the positive, -log sigmoid(-f) else.
  emit(get(F), f32c(MAX_EXP), [OP.f32Gt], [OP.if, F32], get(F))
  emit([OP.else], get(F), f32c(-MAX_EXP), [OP.f32Lt], [OP.if, F32], f32c(0))
  emit([OP.else], get(F), f32c(MAX_EXP), [OP.f32Add], f32c(EXP_TABLE_SIZE / MAX_EXP / 2), [
    OP.f32Mul,
  ])
  emit(
    [OP.i32TruncF32S],
    i32c(2),
    [OP.i32Shl],
    [OP.f32Load, ...memarg(2, layout.softplus)],
    [OP.end],
    [OP.end]
  )
  emit(
    get(LABEL),
    get(F),
    [OP.f32Mul],
    [OP.f32Sub, OP.f64PromoteF32, OP.globalGet, 1, OP.f64Add, OP.globalSet, 1]
  )
  // g = (label - sigmoid(f)) * alpha with word2vec's table and clipping at +-MAX_EXP.
  emit(get(F), f32c(MAX_EXP), [OP.f32Gt], [OP.if, F32])
  emit(get(LABEL), f32c(1), [OP.f32Sub])
  emit([OP.else], get(F), f32c(-MAX_EXP), [OP.f32Lt], [OP.if, F32])
  emit(get(LABEL))
  emit(
    [OP.else],
    get(LABEL),
    get(F),
    f32c(MAX_EXP),
    [OP.f32Add],
    f32c(EXP_TABLE_SIZE / MAX_EXP / 2),
    [OP.f32Mul]
  )
  emit(
    [OP.i32TruncF32S],
    i32c(2),
    [OP.i32Shl],
    [OP.f32Load, ...memarg(2, layout.sigmoid)],
    [OP.f32Sub]
  )
  emit(
    [OP.end],
    [OP.end],
    get(ALPHA),
    [OP.f32Mul],
    [OP.localTee, G],
    simd(SIMD.f32x4Splat),
    set(GV)
  )
  // e_i += g * syn1[target]_i; syn1[target]_i += g * x_i
  for (let i = 0; i < lanes; i++) {
    emit(
      get(E + i),
      get(GV),
      get(L2),
      simd(SIMD.load, ...memarg(4, i * 16)),
      simd(SIMD.f32x4Mul),
      simd(SIMD.f32x4Add),
      set(E + i)
    )
    emit(
      get(L2),
      get(L2),
      simd(SIMD.load, ...memarg(4, i * 16)),
      get(GV),
      get(X + i),
      simd(SIMD.f32x4Mul),
      simd(SIMD.f32x4Add)
    )
    emit(simd(SIMD.store, ...memarg(4, i * 16)))
  }
  emit([OP.end]) // block: a skipped negative lands here
  emit(get(D), i32c(1), [OP.i32Add], [OP.localTee, D], i32c(negatives), [OP.i32LeU], [OP.brIf, 0])
  emit([OP.end]) // loop
  // syn0[context] += e, re-read so another thread's concurrent update is not overwritten wholesale.
  for (let i = 0; i < lanes; i++) {
    emit(
      get(L1),
      get(L1),
      simd(SIMD.load, ...memarg(4, i * 16)),
      get(E + i),
      simd(SIMD.f32x4Add),
      simd(SIMD.store, ...memarg(4, i * 16))
    )
  }
  const pairBody = funcBody(
    [
      [4, I32],
      [3, F32],
      [2 + 2 * lanes, V128],
    ],
    code
  )
  // seed(lo, hi): state = hi << 32 | lo
  const seedCode = [
    OP.localGet,
    1,
    OP.i64ExtendI32U,
    OP.i64Const,
    32,
    OP.i64Shl,
    OP.localGet,
    0,
    OP.i64ExtendI32U,
    OP.i64Or,
    OP.globalSet,
    0,
  ]
  const seedBody = funcBody([], seedCode)
  const lossCode = [OP.globalGet, 1, OP.f64Const, ...new Array<number>(8).fill(0), OP.globalSet, 1]
  const lossBody = funcBody([], lossCode)

  const types = section(
    1,
    vec([
      [0x60, ...vec([[I32], [I32], [F32], [I32]]), 0],
      [0x60, ...vec([[I32], [I32]]), 0],
      [0x60, ...vec([[I32], [I32], [I32], [I32], [F32], [I32]]), ...vec([[I32]])],
      [0x60, 0, ...vec([[F64]])],
    ])
  )
  const memLimits = [0x03, ...uleb(layout.pages), ...uleb(layout.pages)]
  const imports = section(2, vec([[...name('env'), ...name('mem'), 0x02, ...memLimits]]))
  const funcs = section(3, vec([[0], [1], [2], [3]]))
  const globals = section(
    6,
    vec([
      [I64, 0x01, OP.i64Const, 0, OP.end],
      [F64, 0x01, OP.f64Const, ...new Array<number>(8).fill(0), OP.end],
    ])
  )
  const exports = section(
    7,
    vec([
      [...name('pair'), 0x00, 0],
      [...name('seed'), 0x00, 1],
      [...name('train'), 0x00, 2],
      [...name('takeLoss'), 0x00, 3],
    ])
  )
  const codeSection = section(10, vec([pairBody, seedBody, emitTrain(window), lossBody]))
  return Uint8Array.from([
    ...HEADER,
    ...types,
    ...imports,
    ...funcs,
    ...globals,
    ...exports,
    ...codeSection,
  ])
}

/**
 * train(sen, len, from, to, alpha, scratch) -> pairs: word2vec's skip-gram window loop. Each center
 * shrinks the window by (next_random >> 16) % window and pairs with every other position in it.
 */
function emitTrain(window: number): number[] {
  const [SEN, LEN, FROM, TO, ALPHA, SCR] = [0, 1, 2, 3, 4, 5]
  const [POS, HI, C, PAIRS, WORD, SPAN] = [6, 7, 8, 9, 10, 11]
  const token = (i: number): number[] => [
    ...get(SEN),
    ...get(i),
    ...i32c(2),
    OP.i32Shl,
    OP.i32Add,
    OP.i32Load,
    ...memarg(2, 0),
  ]
  const code: number[] = [
    ...get(FROM),
    ...set(POS),
    OP.block,
    OP.void,
    OP.loop,
    OP.void,
    ...get(POS),
    ...get(TO),
    OP.i32GeS,
    OP.brIf,
    1,
    ...token(POS),
    ...set(WORD),
    ...lcgStep(),
    ...i32c(window),
    OP.globalGet,
    0,
    OP.i64Const,
    16,
    OP.i64ShrU,
    OP.i32WrapI64,
    ...i32c(window),
    OP.i32RemU,
    OP.i32Sub,
    ...set(SPAN),
    // c = max(pos - span, 0); hi = min(pos + span, len - 1)
    ...get(POS),
    ...get(SPAN),
    OP.i32Sub,
    ...set(C),
    ...i32c(0),
    ...get(C),
    ...get(C),
    ...i32c(0),
    OP.i32LtS,
    OP.select,
    ...set(C),
    ...get(POS),
    ...get(SPAN),
    OP.i32Add,
    ...set(HI),
    ...get(LEN),
    ...i32c(1),
    OP.i32Sub,
    ...get(HI),
    ...get(HI),
    ...get(LEN),
    OP.i32GeS,
    OP.select,
    ...set(HI),
    OP.loop,
    OP.void,
    ...get(C),
    ...get(POS),
    OP.i32Ne,
    OP.if,
    OP.void,
    ...token(C),
    ...get(WORD),
    ...get(ALPHA),
    ...get(SCR),
    OP.call,
    0,
    ...get(PAIRS),
    ...i32c(1),
    OP.i32Add,
    ...set(PAIRS),
    OP.end,
    ...get(C),
    ...i32c(1),
    OP.i32Add,
    OP.localTee,
    ...uleb(C),
    ...get(HI),
    OP.i32LeS,
    OP.brIf,
    0,
    OP.end,
    ...get(POS),
    ...i32c(1),
    OP.i32Add,
    ...set(POS),
    OP.br,
    0,
    OP.end,
    OP.end,
    ...get(PAIRS),
  ]
  return funcBody([[6, I32]], code)
}

/** Signed LEB128 of a 64-bit constant. */
function i64Leb(value: bigint): number[] {
  const out: number[] = []
  let v = BigInt.asIntN(64, value)
  for (;;) {
    const byte = Number(v & 0x7fn)
    v >>= 7n
    if ((v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0)) {
      out.push(byte)
      return out
    }
    out.push(byte | 0x80)
  }
}

/** Allocate the shared memory and compile the kernel for a layout. */
export function createKernelSpec(layout: KernelLayout): KernelSpec {
  const memory = new WASM.Memory({ initial: layout.pages, maximum: layout.pages, shared: true })
  return { layout, memory, bytes: emitKernel(layout) }
}

/** Instantiate the kernel on this thread over the shared memory; `thread` picks the scratch slot. */
export function instantiateKernel(spec: KernelSpec, thread: number): KernelInstance {
  const module = new WASM.Module(spec.bytes)
  const instance = new WASM.Instance(module, { env: { mem: spec.memory } })
  const exports = instance.exports as unknown as Pick<
    KernelInstance,
    'pair' | 'seed' | 'train' | 'takeLoss'
  >
  const scratchPtr = spec.layout.scratch + thread * spec.layout.scratchStride
  const senPtr = spec.layout.sen + thread * spec.layout.senStride
  return {
    pair: exports.pair,
    seed: exports.seed,
    train: exports.train,
    takeLoss: exports.takeLoss,
    scratch: new Float32Array(spec.memory.buffer, scratchPtr, spec.layout.negatives + 1),
    scratchPtr,
    sen: new Int32Array(spec.memory.buffer, senPtr, spec.layout.maxSession),
    senPtr,
  }
}

/** Typed views of the tables inside the kernel memory. */
export function kernelViews(spec: KernelSpec): {
  syn0: Float32Array
  syn1: Float32Array
  alias: Int32Array
  sigmoid: Float32Array
  softplus: Float32Array
} {
  const { layout, memory } = spec
  const buffer = memory.buffer
  return {
    syn0: new Float32Array(buffer, layout.syn0, layout.vocabSize * layout.dims),
    syn1: new Float32Array(buffer, layout.syn1, layout.vocabSize * layout.dims),
    alias: new Int32Array(buffer, layout.alias, layout.aliasSize * ALIAS_ENTRY_INTS),
    sigmoid: new Float32Array(buffer, layout.sigmoid, EXP_TABLE_SIZE + 1),
    softplus: new Float32Array(buffer, layout.softplus, EXP_TABLE_SIZE + 1),
  }
}
