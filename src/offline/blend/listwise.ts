/**
 * @module
 * Listwise training of the learned blend's linear scores: for each held-out query, a softmax over
 * all of its candidates, and the loss is −log of the next pin's share (the sampled-softmax /
 * ListNet-top-1 objective). It optimises what the worker does with the scores, ranking one
 * query's candidates against each other, where pointwise logistic regression on sampled negatives
 * (logistic.ts) spends its capacity separating candidates of different queries.
 *
 * It does not always win: the build fits both objectives and keeps the one that ranks its held-out
 * check queries better (`--blend-loss auto`, fit.ts). In one build each, listwise won by 1.2
 * points of check recall@20 on a generated world and by 0.45 on online-retail
 * (docs/evaluation.md, "The blend's objective"); eval's session model chose pointwise on both.
 *
 * Mini-batch Adam in float64 over a seeded shuffle: deterministic for the same rows and seed.
 */

import type { LinearModel } from '../../core/artifact'
import { createRandom, shuffleInPlace } from '../../core/random'
import { type Standardisation, standardisation } from './standardise'

export type ListwiseOptions = {
  /** Passes over the queries, at least. */
  epochs: number
  /** Adam steps, at least: a small fit (few queries, few batches per epoch) takes more epochs. */
  minSteps: number
  /** Queries per Adam step. */
  batch: number
  learningRate: number
  /** L2 penalty on the weights, added to the mean gradient of a batch. */
  l2: number
  seed: number
}

export const DEFAULT_LISTWISE_OPTIONS: Omit<ListwiseOptions, 'seed'> = {
  epochs: 10,
  minSteps: 1500,
  batch: 64,
  learningRate: 0.005,
  l2: 1e-5,
}

/** Epochs trainListwise runs over `queries` queries: `epochs`, or more to take `minSteps` steps. */
export function listwiseEpochs(
  queries: number,
  options: Pick<ListwiseOptions, 'epochs' | 'minSteps' | 'batch'>
): number {
  const stepsPerEpoch = Math.max(1, Math.ceil(queries / options.batch))
  return Math.max(options.epochs, Math.ceil(options.minSteps / stepsPerEpoch))
}

/** One query's feature rows (`count` × features, as candidateFeatures() writes them) and the next pin's row. */
export type ListwiseQuery = { x: Float32Array; count: number; target: number }

export type ListwiseFit = {
  weights: Float64Array
  /** Mean −log share of the target over the queries, before the first and after the last epoch. */
  lossStart: number
  lossEnd: number
}

const BETA1 = 0.9
const BETA2 = 0.999
const EPSILON = 1e-8

/** Mean −log softmax share of each query's target under `w`. */
export function listwiseLoss(
  queries: readonly ListwiseQuery[],
  std: Standardisation,
  w: Float64Array
): number {
  let sum = 0
  let logits = new Float64Array(256)
  for (const q of queries) {
    if (logits.length < q.count) {
      logits = new Float64Array(q.count * 2)
    }
    const max = scoreRows(q, std, w, logits)
    let total = 0
    for (let i = 0; i < q.count; i++) {
      total += Math.exp(logits[i]! - max)
    }
    sum += Math.log(total) - (logits[q.target]! - max)
  }
  return queries.length > 0 ? sum / queries.length : 0
}

/** logits[i] = w · standardised row i (scoreModel's arithmetic); returns the largest. */
function scoreRows(q: ListwiseQuery, std: Standardisation, w: Float64Array, logits: Float64Array) {
  const features = w.length
  let max = Number.NEGATIVE_INFINITY
  for (let i = 0; i < q.count; i++) {
    let s = 0
    const row = i * features
    for (let f = 0; f < features; f++) {
      s += w[f]! * ((q.x[row + f]! - std.mean[f]!) / std.scale[f]!)
    }
    logits[i] = s
    max = Math.max(max, s)
  }
  return max
}

/**
 * Fits weights w (no bias: a constant shifts every candidate of a query alike) so that, within
 * each query, softmax(w · rows) puts its mass on the target.
 */
export function trainListwise(
  queries: readonly ListwiseQuery[],
  std: Standardisation,
  options: ListwiseOptions,
  /** Called after every epoch with the epochs done (progress). */
  onEpoch?: (done: number) => void
): ListwiseFit {
  const features = std.mean.length
  const w = new Float64Array(features)
  const m = new Float64Array(features)
  const v = new Float64Array(features)
  const grad = new Float64Array(features)
  const order = Int32Array.from(queries.keys())
  const random = createRandom(options.seed)
  let logits = new Float64Array(256)
  let step = 0
  const lossStart = listwiseLoss(queries, std, w)
  const epochs = listwiseEpochs(queries.length, options)
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffleInPlace(order, random)
    for (let from = 0; from < order.length; from += options.batch) {
      const to = Math.min(order.length, from + options.batch)
      grad.fill(0)
      for (let b = from; b < to; b++) {
        const q = queries[order[b]!]!
        if (logits.length < q.count) {
          logits = new Float64Array(q.count * 2)
        }
        const max = scoreRows(q, std, w, logits)
        let total = 0
        for (let i = 0; i < q.count; i++) {
          logits[i] = Math.exp(logits[i]! - max)
          total += logits[i]!
        }
        // d(−log share of target)/d logit i = share i − [i is the target].
        for (let i = 0; i < q.count; i++) {
          const g = logits[i]! / total - (i === q.target ? 1 : 0)
          const row = i * features
          for (let f = 0; f < features; f++) {
            grad[f]! += g * ((q.x[row + f]! - std.mean[f]!) / std.scale[f]!)
          }
        }
      }
      step++
      const n = to - from
      const c1 = 1 - BETA1 ** step
      const c2 = 1 - BETA2 ** step
      for (let f = 0; f < features; f++) {
        const g = grad[f]! / n + options.l2 * w[f]!
        m[f] = BETA1 * m[f]! + (1 - BETA1) * g
        v[f] = BETA2 * v[f]! + (1 - BETA2) * g * g
        w[f]! -= (options.learningRate * (m[f]! / c1)) / (Math.sqrt(v[f]! / c2) + EPSILON)
      }
    }
    onEpoch?.(epoch + 1)
  }
  return { weights: w, lossStart, lossEnd: listwiseLoss(queries, std, w) }
}

/** Mean log-loss of σ(a·s + b) against the labels (stable for large |a·s + b|). */
function plattLoss(scores: Float64Array, labels: Float32Array, a: number, b: number): number {
  let sum = 0
  for (let i = 0; i < scores.length; i++) {
    const z = a * scores[i]! + b
    // −log σ(z) = softplus(−z); −log(1 − σ(z)) = softplus(z).
    const t = labels[i]! > 0 ? -z : z
    sum += t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t))
  }
  return scores.length > 0 ? sum / scores.length : 0
}

/**
 * Platt scaling: a and b of σ(a·s + b) by Newton's method with a backtracking line search on
 * labelled scores (label 1 = target). The listwise weights only order one query's candidates;
 * calibrating them on the pointwise rows (each target with its sampled negatives) gives the served
 * `score` the same meaning as the pointwise model's, a probability under that sampling, which the
 * multi-seed merge and the session model's normalisation compare across seeds. a stays positive,
 * so the order does not change.
 */
export function plattScale(
  scores: Float64Array,
  labels: Float32Array,
  iterations = 50
): { a: number; b: number } {
  let a = 1
  let b = 0
  let loss = plattLoss(scores, labels, a, b)
  const ridge = 1e-9
  for (let it = 0; it < iterations; it++) {
    let ga = 0
    let gb = 0
    let haa = ridge
    let hab = 0
    let hbb = ridge
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i]!
      const p = 1 / (1 + Math.exp(-(a * s + b)))
      const d = p - labels[i]!
      const h = p * (1 - p)
      ga += d * s
      gb += d
      haa += h * s * s
      hab += h * s
      hbb += h
    }
    const det = haa * hbb - hab * hab
    if (!(det > 0)) {
      break
    }
    const da = (hbb * ga - hab * gb) / det
    const db = (haa * gb - hab * ga) / det
    // Halve the Newton step until the loss goes down (plain Newton overshoots from a far start).
    let t = 1
    let next = plattLoss(scores, labels, a - t * da, b - t * db)
    while (!(next < loss) && t > 1e-6) {
      t /= 2
      next = plattLoss(scores, labels, a - t * da, b - t * db)
    }
    if (!(next < loss)) {
      break
    }
    a -= t * da
    b -= t * db
    const gain = loss - next
    loss = next
    if (gain < 1e-12) {
      break
    }
  }
  // A degenerate fit (no signal) would flip or flatten the order; keep the listwise order.
  return a > 0 && Number.isFinite(a) && Number.isFinite(b) ? { a, b } : { a: 1, b: 0 }
}

/**
 * A served linear model, σ(bias + weights · (x − mean) / scale), fitted listwise on `queries` and
 * Platt-scaled on the pointwise rows (`x`, `y`: each target and its sampled negatives), which
 * also give the standardisation.
 */
export function fitListwiseLinear(
  queries: readonly ListwiseQuery[],
  pointwise: { x: Float32Array; y: Float32Array; rows: number },
  featureNames: readonly string[],
  options: ListwiseOptions,
  onEpoch?: (done: number) => void
): { model: LinearModel; lossStart: number; lossEnd: number } {
  const features = featureNames.length
  const std = standardisation(pointwise.x, pointwise.rows, features)
  const fit = trainListwise(queries, std, options, onEpoch)
  // The listwise scores of the pointwise rows, as one list: the same arithmetic as training's.
  const raw = new Float64Array(pointwise.rows)
  scoreRows({ x: pointwise.x, count: pointwise.rows, target: 0 }, std, fit.weights, raw)
  const { a, b } = plattScale(raw, pointwise.y)
  return {
    model: {
      kind: 'logistic',
      features: [...featureNames],
      weights: Array.from(fit.weights, (w) => a * w),
      bias: b,
      mean: [...std.mean],
      scale: [...std.scale],
    },
    lossStart: fit.lossStart,
    lossEnd: fit.lossEnd,
  }
}
