/**
 * @module
 * Full-batch logistic regression with Adam, in plain typed-array loops that reproduce, operation by
 * operation, what @tensorflow/tfjs 4.22's cpu backend computes for the same model (float32 tensors,
 * each op rounded to float32, sums accumulated in doubles, matMul in 48-wide blocks): the fitted
 * weights, bias and losses are bit-identical to it (test/unit/blend-logistic.test.ts checks
 * against tfjs itself). Without tfjs' per-op tensors and tape, the 100k-row fit takes seconds,
 * where tfjs took ~60 s.
 */

const f = Math.fround

/** tfjs cpu backend's matMul block size (MathBackendCPU.blockSize). */
const BLOCK = 48
/** tfjs cpu softplus: above −threshold softplus(x) = x, below threshold exp(x) (float32 epsilon). */
const SOFTPLUS_THRESHOLD = Math.log(1.1920928955078125e-7) + 2
/** tfjs' Adam defaults: beta1, beta2, and the float32 backend's epsilon. */
const BETA1 = 0.9
const BETA2 = 0.999
const EPSILON = 1e-7

export type LogisticOptions = { steps: number; learningRate: number; l2: number }

export type LogisticFit = {
  weights: Float32Array
  bias: number
  /** Loss before the first step and before the last (NaN for one step), as minimize returns them. */
  lossStart: number
  lossEnd: number
}

function softplus(x: number): number {
  if (x < SOFTPLUS_THRESHOLD) {
    return Math.exp(x)
  }
  return x > -SOFTPLUS_THRESHOLD ? x : Math.log(1 + Math.exp(x))
}

/** Adam's update of one float32 parameter (tfjs AdamOptimizer.applyGradients, op by op). */
type AdamState = { m: Float32Array; v: Float32Array; p: Float32Array }

function adamStep(
  s: AdamState,
  grad: Float32Array,
  oneMinusAcc1: number,
  oneMinusAcc2: number,
  learningRate: number
): void {
  const b1 = f(BETA1)
  const b2 = f(BETA2)
  const c1 = f(1 - BETA1)
  const c2 = f(1 - BETA2)
  const eps = f(EPSILON)
  const negLr = f(-learningRate)
  for (let k = 0; k < s.p.length; k++) {
    const g = grad[k]!
    const m = f(f(s.m[k]! * b1) + f(g * c1))
    const v = f(f(s.v[k]! * b2) + f(f(g * g) * c2))
    s.m[k] = m
    s.v[k] = v
    const mHat = f(m / oneMinusAcc1)
    const vHat = f(v / oneMinusAcc2)
    s.p[k] = f(f(f(mHat / f(f(Math.sqrt(vHat)) + eps)) * negLr) + s.p[k]!)
  }
}

/**
 * Minimise mean(softplus(z) − y·z) + l2·Σw², z = x·w + b, from zero weights, one full-batch Adam
 * step at a time. `x` is row-major (`features` per row), already standardised.
 */
export function trainLogistic(
  x: Float32Array,
  y: Float32Array,
  rows: number,
  features: number,
  options: LogisticOptions,
  onStep?: (done: number) => void
): LogisticFit {
  const w: AdamState = {
    p: new Float32Array(features),
    m: new Float32Array(features),
    v: new Float32Array(features),
  }
  const b: AdamState = { p: new Float32Array(1), m: new Float32Array(1), v: new Float32Array(1) }
  const dz = new Float32Array(rows)
  const gradW = new Float32Array(features)
  const gradB = new Float32Array(1)
  const blockSums = new Float64Array(features)
  const fRows = f(rows)
  // mean's gradient: ones / rows; the l2 term's: l2 (as float32 scalars).
  const g = f(1 / fRows)
  const l2 = f(options.l2)
  let acc1 = f(BETA1)
  let acc2 = f(BETA2)
  let lossStart = Number.NaN
  let lossEnd = Number.NaN
  for (let step = 0; step < options.steps; step++) {
    const bias = b.p[0]!
    let meanSum = 0
    let biasGrad = 0
    for (let i = 0; i < rows; i++) {
      const row = i * features
      let zw = 0
      for (let k0 = 0; k0 < features; k0 += BLOCK) {
        let sum = 0
        const end = Math.min(k0 + BLOCK, features)
        for (let k = k0; k < end; k++) {
          sum += x[row + k]! * w.p[k]!
        }
        zw = f(zw + sum)
      }
      const z = f(zw + bias)
      const yi = y[i]!
      meanSum += f(f(f(softplus(z)) - f(yi * z)) / fRows)
      const sigmoid = f(1 / (1 + Math.exp(-z)))
      // z's gradient from y·z (−g·y) plus softplus' (g·sigmoid).
      const d = f(f(-g * yi) + f(g * sigmoid))
      dz[i] = d
      biasGrad += d
    }
    let squares = 0
    for (let k = 0; k < features; k++) {
      squares += f(w.p[k]! * w.p[k]!)
    }
    const loss = f(f(meanSum) + f(f(squares) * l2))
    if (step === 0) {
      lossStart = loss
    } else if (step === options.steps - 1) {
      lossEnd = loss
    }
    // matMul(x, dz, transposeA): per feature, 48-row blocks summed in doubles, added in float32
    // (row-major here for the cache; each feature's additions keep their order).
    gradW.fill(0)
    for (let r0 = 0; r0 < rows; r0 += BLOCK) {
      blockSums.fill(0)
      const end = Math.min(r0 + BLOCK, rows)
      for (let r = r0; r < end; r++) {
        const d = dz[r]!
        const row = r * features
        for (let k = 0; k < features; k++) {
          blockSums[k]! += x[row + k]! * d
        }
      }
      for (let k = 0; k < features; k++) {
        gradW[k] = gradW[k]! + blockSums[k]!
      }
    }
    for (let k = 0; k < features; k++) {
      gradW[k] = f(f(l2 * f(w.p[k]! * 2)) + gradW[k]!)
    }
    gradB[0] = f(biasGrad)
    const oneMinusAcc1 = f(1 - acc1)
    const oneMinusAcc2 = f(1 - acc2)
    adamStep(w, gradW, oneMinusAcc1, oneMinusAcc2, options.learningRate)
    adamStep(b, gradB, oneMinusAcc1, oneMinusAcc2, options.learningRate)
    acc1 = f(acc1 * f(BETA1))
    acc2 = f(acc2 * f(BETA2))
    onStep?.(step + 1)
  }
  return { weights: w.p, bias: b.p[0]!, lossStart, lossEnd }
}
