/**
 * @module
 * Fits the learned blend: logistic regression over candidateFeatures() with @tensorflow/tfjs,
 * label = the candidate was the next engaged pin. Deterministic (zero init, full batch).
 */

import * as tf from '@tensorflow/tfjs'
import type { Candidate, LinearModel, PinRecord } from '../../core/artifact'
import { sourceScores } from '../../core/blend'
import { candidateFeatures, FEATURE_COUNT, FEATURE_NAMES } from '../../core/features'
import { createRandom } from '../../core/random'
import { useCpuBackend } from '../pin2vec/backend'

export type FitExample = { record: PinRecord; targetId: string }

export type FitOptions = {
  negativesPerQuery: number
  steps: number
  learningRate: number
  l2: number
  seed: number
}

export const DEFAULT_FIT_OPTIONS: FitOptions = {
  negativesPerQuery: 10,
  steps: 200,
  learningRate: 0.1,
  l2: 1e-4,
  seed: 1,
}

export type FitReport = {
  rows: number
  positives: number
  queries: number
  lossStart: number
  lossEnd: number
  seconds: number
}

/**
 * The candidates rankRelated can return for `record` (never the pin itself) and the index of the
 * next engaged pin among them, -1 when no source proposed it.
 */
export function candidatesWithTarget(
  record: PinRecord,
  targetId: string
): { candidates: Candidate[]; target: number } {
  const candidates = record.candidates.filter((c) => c.pin.id !== record.pin.id)
  return { candidates, target: candidates.findIndex((c) => c.pin.id === targetId) }
}

/** Feature rows and labels: each query's target plus a seeded sample of its other candidates. */
function gather(
  examples: FitExample[],
  options: FitOptions
): { x: Float32Array; y: Float32Array; rows: number; queries: number } {
  const random = createRandom(options.seed)
  const rows: number[][] = []
  const labels: number[] = []
  let queries = 0
  for (const { record, targetId } of examples) {
    const { candidates, target } = candidatesWithTarget(record, targetId)
    if (target < 0) {
      // A target that is no candidate teaches the ranker nothing.
      continue
    }
    queries++
    const features = new Float32Array(candidates.length * FEATURE_COUNT)
    candidateFeatures(
      record,
      candidates,
      candidates.map((c) => sourceScores(record, c)),
      features
    )
    const take = (i: number, label: number): void => {
      rows.push(Array.from(features.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT)))
      labels.push(label)
    }
    take(target, 1)
    const others = candidates.map((_, i) => i).filter((i) => i !== target)
    for (let n = 0; n < Math.min(options.negativesPerQuery, others.length); n++) {
      const j = n + random.int(others.length - n)
      ;[others[n], others[j]] = [others[j]!, others[n]!]
      take(others[n]!, 0)
    }
  }
  const x = new Float32Array(rows.length * FEATURE_COUNT)
  for (const [i, r] of rows.entries()) {
    x.set(r, i * FEATURE_COUNT)
  }
  return { x, y: Float32Array.from(labels), rows: rows.length, queries }
}

export async function fitBlendModel(
  examples: FitExample[],
  options: FitOptions = DEFAULT_FIT_OPTIONS,
  /** Called after every optimizer step with the steps done (progress). */
  onStep?: (done: number) => void
): Promise<{ model: LinearModel; report: FitReport } | null> {
  const started = performance.now()
  await useCpuBackend()
  const data = gather(examples, options)
  if (data.queries < 20) {
    return null
  }
  const mean = new Array<number>(FEATURE_COUNT).fill(0)
  const scale = new Array<number>(FEATURE_COUNT).fill(0)
  for (let i = 0; i < data.rows; i++) {
    for (let f = 0; f < FEATURE_COUNT; f++) {
      mean[f]! += data.x[i * FEATURE_COUNT + f]! / data.rows
    }
  }
  for (let i = 0; i < data.rows; i++) {
    for (let f = 0; f < FEATURE_COUNT; f++) {
      scale[f]! += (data.x[i * FEATURE_COUNT + f]! - mean[f]!) ** 2 / data.rows
    }
  }
  for (let f = 0; f < FEATURE_COUNT; f++) {
    // A constant feature gets scale 1 so standardisation never divides by zero.
    scale[f] = Math.sqrt(scale[f]!) || 1
  }
  const x = tf.tidy(() =>
    tf.tensor2d(data.x, [data.rows, FEATURE_COUNT]).sub(tf.tensor1d(mean)).div(tf.tensor1d(scale))
  )
  const y = tf.tensor2d(data.y, [data.rows, 1])
  const w = tf.variable(tf.zeros([FEATURE_COUNT, 1]))
  const b = tf.variable(tf.zeros([1]))
  const optimizer = tf.train.adam(options.learningRate)
  // Binary cross-entropy on logits z: softplus(z) − y·z (PLATFORM.md: logSigmoid's gradient throws).
  const loss = (): tf.Scalar =>
    tf.tidy(() => {
      const z = x.matMul(w).add(b)
      return tf.softplus(z).sub(y.mul(z)).mean().add(w.square().sum().mul(options.l2)) as tf.Scalar
    })
  let lossStart = Number.NaN
  let lossEnd = Number.NaN
  for (let step = 0; step < options.steps; step++) {
    const value = optimizer.minimize(loss, true, [w, b])
    if (step === 0 || step === options.steps - 1) {
      const v = (await value!.data())[0]!
      if (step === 0) {
        lossStart = v
      } else {
        lossEnd = v
      }
    }
    value?.dispose()
    onStep?.(step + 1)
  }
  const weights = Array.from(await w.data())
  const bias = (await b.data())[0]!
  for (const t of [x, y, w, b]) {
    t.dispose()
  }
  optimizer.dispose()
  return {
    model: { kind: 'logistic', features: [...FEATURE_NAMES], weights, bias, mean, scale },
    report: {
      rows: data.rows,
      positives: data.queries,
      queries: data.queries,
      lossStart,
      lossEnd,
      seconds: (performance.now() - started) / 1000,
    },
  }
}
