/**
 * @module
 * The session model's pointwise fit (`--blend-loss pointwise`): logistic regression on each
 * target and its sampled negatives, plain full-batch gradient descent on standardised features.
 */

import type { LinearModel } from '../core/artifact'
import { SESSION_FEATURE_COUNT, SESSION_FEATURE_NAMES } from '../core/session-model'
import { standardisation } from '../offline/blend/standardise'

/** Plain full-batch gradient descent on standardised features (12 of them: no tensors needed). */
export function fitLogistic(
  x: Float32Array,
  y: ArrayLike<number>,
  rows: number,
  steps = 300,
  rate = 0.5,
  l2 = 1e-4
): LinearModel {
  const F = SESSION_FEATURE_COUNT
  const { mean, scale } = standardisation(x, rows, F)
  const z = new Float64Array(rows * F)
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < F; f++) {
      z[i * F + f] = (x[i * F + f]! - mean[f]!) / scale[f]!
    }
  }
  const w = new Float64Array(F)
  let b = 0
  const grad = new Float64Array(F)
  for (let step = 0; step < steps; step++) {
    grad.fill(0)
    let gb = 0
    for (let i = 0; i < rows; i++) {
      let t = b
      for (let f = 0; f < F; f++) {
        t += w[f]! * z[i * F + f]!
      }
      const err = 1 / (1 + Math.exp(-t)) - y[i]!
      gb += err
      for (let f = 0; f < F; f++) {
        grad[f]! += err * z[i * F + f]!
      }
    }
    for (let f = 0; f < F; f++) {
      w[f]! -= rate * (grad[f]! / rows + 2 * l2 * w[f]!)
    }
    b -= (rate * gb) / rows
  }
  return {
    kind: 'logistic',
    features: [...SESSION_FEATURE_NAMES],
    weights: Array.from(w),
    bias: b,
    mean,
    scale,
  }
}
