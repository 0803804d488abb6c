/**
 * @module
 * Fits the learned blend, a linear model over candidateFeatures() served as σ(bias + w · x), with
 * one of two objectives (`--blend-loss`; the default, auto, fits both and fit.ts keeps the one that
 * ranks the check queries better):
 * - listwise: a softmax over each query's candidates, then Platt scaling (listwise.ts);
 * - pointwise: logistic regression on each target and sampled negatives, label = the candidate was
 *   the next engaged pin (logistic.ts: the same float32 arithmetic as the @tensorflow/tfjs model
 *   it replaced).
 * Both are deterministic for the same rows and seed.
 */

import type { Candidate, LinearModel, PinRecord } from '../../core/artifact'
import { sourceScores } from '../../core/blend'
import { candidateFeatures, FEATURE_COUNT, FEATURE_NAMES } from '../../core/features'
import { createRandom } from '../../core/random'
import type { FitData } from './fit-data'
import {
  DEFAULT_LISTWISE_OPTIONS,
  fitListwiseLinear,
  type ListwiseOptions,
  type ListwiseQuery,
} from './listwise'
import { trainLogistic } from './logistic'
import { standardisation } from './standardise'

/** Fewer held-out queries than this fit no model (the weights alone are shipped). */
const MIN_QUERIES = 20

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

/** The model's training rows: FEATURE_COUNT features per row, label 1 for a target, else 0. */
export type TrainingRows = { x: Float32Array; y: Float32Array; rows: number; queries: number }

/**
 * Collects training rows: per query, its target's row then a seeded sample of its other
 * candidates' rows (the same draws in the same order, whatever holds the features).
 */
class RowCollector {
  private readonly random: ReturnType<typeof createRandom>
  private x = new Float32Array(1024 * FEATURE_COUNT)
  private readonly labels: number[] = []
  queries = 0
  constructor(private readonly options: FitOptions) {
    this.random = createRandom(options.seed)
  }

  /** Add one query whose `count` candidates' features are `features`; the target is `target`. */
  add(features: Float32Array, count: number, target: number): void {
    this.queries++
    this.take(features, target, 1)
    const others = new Int32Array(count - 1)
    for (let i = 0, k = 0; i < count; i++) {
      if (i !== target) {
        others[k++] = i
      }
    }
    for (let n = 0; n < Math.min(this.options.negativesPerQuery, others.length); n++) {
      const j = n + this.random.int(others.length - n)
      const swap = others[n]!
      others[n] = others[j]!
      others[j] = swap
      this.take(features, others[n]!, 0)
    }
  }

  private take(features: Float32Array, i: number, label: number): void {
    const row = this.labels.length * FEATURE_COUNT
    if (row + FEATURE_COUNT > this.x.length) {
      const grown = new Float32Array(this.x.length * 2)
      grown.set(this.x)
      this.x = grown
    }
    this.x.set(features.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT), row)
    this.labels.push(label)
  }

  rows(): TrainingRows {
    const rows = this.labels.length
    return {
      x: this.x.slice(0, rows * FEATURE_COUNT),
      y: Float32Array.from(this.labels),
      rows,
      queries: this.queries,
    }
  }
}

/** Feature rows and labels of records: each query's target plus a sample of its other candidates. */
function gather(examples: FitExample[], options: FitOptions): TrainingRows {
  const collector = new RowCollector(options)
  for (const { record, targetId } of examples) {
    const { candidates, target } = candidatesWithTarget(record, targetId)
    if (target < 0) {
      // A target that is no candidate teaches the ranker nothing.
      continue
    }
    const features = new Float32Array(candidates.length * FEATURE_COUNT)
    candidateFeatures(
      record,
      candidates,
      candidates.map((c) => sourceScores(record, c)),
      features
    )
    collector.add(features, candidates.length, target)
  }
  return collector.rows()
}

/** gather() on decoded fit data: the same rows as on its records, features computed once. */
export function gatherFitData(data: FitData, options: FitOptions): TrainingRows {
  const collector = new RowCollector(options)
  for (let q = 0; q < data.target.length; q++) {
    const c = data.candidates[q]
    const target = data.target[q]!
    if (c && target >= 0) {
      collector.add(c.features, c.count, target)
    }
  }
  return collector.rows()
}

export async function fitBlendModel(
  examples: FitExample[],
  options: FitOptions = DEFAULT_FIT_OPTIONS,
  /** Called after every optimizer step with the steps done (progress). */
  onStep?: (done: number) => void
): Promise<{ model: LinearModel; report: FitReport } | null> {
  const started = performance.now()
  return fitModelOnRows(gather(examples, options), options, onStep, started)
}

/** fitBlendModel on rows already gathered (gatherFitData): the pointwise objective. */
export function fitModelOnRows(
  data: TrainingRows,
  options: FitOptions = DEFAULT_FIT_OPTIONS,
  onStep?: (done: number) => void,
  started = performance.now()
): { model: LinearModel; report: FitReport } | null {
  if (data.queries < MIN_QUERIES) {
    return null
  }
  const { mean, scale } = standardisation(data.x, data.rows, FEATURE_COUNT)
  // Standardised as tfjs did: float32 (x − mean) / scale.
  const x = new Float32Array(data.rows * FEATURE_COUNT)
  const mean32 = Float32Array.from(mean)
  const scale32 = Float32Array.from(scale)
  for (let i = 0; i < data.x.length; i++) {
    const f = i % FEATURE_COUNT
    x[i] = Math.fround(data.x[i]! - mean32[f]!) / scale32[f]!
  }
  const fit = trainLogistic(x, data.y, data.rows, FEATURE_COUNT, options, onStep)
  const weights = Array.from(fit.weights)
  const { bias, lossStart, lossEnd } = fit
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

/** The queries of `data` whose target is a candidate (the others teach a ranker nothing). */
export function listwiseQueries(data: FitData): ListwiseQuery[] {
  const queries: ListwiseQuery[] = []
  for (let q = 0; q < data.target.length; q++) {
    const c = data.candidates[q]
    const target = data.target[q]!
    if (c && target >= 0) {
      queries.push({ x: c.features, count: c.count, target })
    }
  }
  return queries
}

/**
 * The listwise objective (listwise.ts) on decoded fit data: weights trained on a softmax over
 * each query's whole candidate list, then Platt-scaled on the pointwise rows (each target with
 * `negativesPerQuery` sampled negatives) so the served score stays a probability as the pointwise
 * model's was. Standardisation comes from the same rows as the pointwise fit's. The stored model
 * is a plain LinearModel: the worker scores it exactly as before.
 */
export function fitListwiseModel(
  data: FitData,
  options: FitOptions = DEFAULT_FIT_OPTIONS,
  listwise: Omit<ListwiseOptions, 'seed'> = DEFAULT_LISTWISE_OPTIONS,
  onEpoch?: (done: number) => void
): { model: LinearModel; report: FitReport } | null {
  const started = performance.now()
  return fitListwiseOnRows(
    gatherFitData(data, options),
    listwiseQueries(data),
    options,
    listwise,
    onEpoch,
    started
  )
}

/**
 * fitListwiseModel on rows already gathered (gatherFitData: the same rows the pointwise fit
 * trains on) and its queries (listwiseQueries), so a fit of both objectives gathers them once.
 */
export function fitListwiseOnRows(
  rows: TrainingRows,
  queries: ListwiseQuery[],
  options: FitOptions = DEFAULT_FIT_OPTIONS,
  listwise: Omit<ListwiseOptions, 'seed'> = DEFAULT_LISTWISE_OPTIONS,
  onEpoch?: (done: number) => void,
  started = performance.now()
): { model: LinearModel; report: FitReport } | null {
  if (rows.queries < MIN_QUERIES) {
    return null
  }
  const fit = fitListwiseLinear(
    queries,
    rows,
    FEATURE_NAMES,
    { ...listwise, seed: options.seed },
    onEpoch
  )
  return {
    model: fit.model,
    report: {
      rows: rows.rows,
      positives: rows.queries,
      queries: rows.queries,
      lossStart: fit.lossStart,
      lossEnd: fit.lossEnd,
      seconds: (performance.now() - started) / 1000,
    },
  }
}
