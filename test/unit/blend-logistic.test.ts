import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { createRandom } from '../../src/core/random'
import { trainLogistic } from '../../src/offline/blend/logistic'
import { useCpuBackend } from '../../src/offline/pin2vec/backend'

/** The learned blend's fit as it was written with tfjs (cpu backend): the reference. */
async function tfjsFit(
  x: Float32Array,
  y: Float32Array,
  rows: number,
  features: number,
  options: { steps: number; learningRate: number; l2: number }
) {
  await useCpuBackend()
  const xt = tf.tensor2d(x, [rows, features])
  const yt = tf.tensor2d(y, [rows, 1])
  const w = tf.variable(tf.zeros([features, 1]))
  const b = tf.variable(tf.zeros([1]))
  const optimizer = tf.train.adam(options.learningRate)
  const loss = (): tf.Scalar =>
    tf.tidy(() => {
      const z = xt.matMul(w).add(b)
      return tf.softplus(z).sub(yt.mul(z)).mean().add(w.square().sum().mul(options.l2)) as tf.Scalar
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
  }
  const out = {
    weights: Array.from(await w.data()),
    bias: (await b.data())[0]!,
    lossStart,
    lossEnd,
  }
  for (const t of [xt, yt, w, b]) {
    t.dispose()
  }
  optimizer.dispose()
  return out
}

/** Standardised-looking rows; labels depend on a few features, so the fit moves far from zero. */
function data(rows: number, features: number, seed: number) {
  const random = createRandom(seed)
  const x = new Float32Array(rows * features)
  const y = new Float32Array(rows)
  for (let i = 0; i < rows; i++) {
    let z = -1
    for (let f = 0; f < features; f++) {
      const v = (random.next() - 0.5) * 4 * (f % 3 === 0 ? 10 : 1)
      x[i * features + f] = v
      z += (f % 4 === 1 ? 1.5 : -0.2) * v * (f % 3 === 0 ? 0.1 : 1)
    }
    y[i] = random.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0
  }
  return { x, y }
}

describe('trainLogistic', () => {
  // Row counts off the 48-row block, a feature count above one block, and a step so large that
  // Adam overshoots and logits pass the softplus thresholds.
  for (const [rows, features, steps, learningRate] of [
    [1000, 19, 60, 0.1],
    [2017, 53, 25, 0.1],
    [301, 19, 40, 2],
  ] as const) {
    it(`is bit-identical to the tfjs cpu fit (${rows} rows, ${features} features, lr ${learningRate})`, async () => {
      const { x, y } = data(rows, features, rows)
      const options = { steps, learningRate, l2: 1e-4 }
      const ours = trainLogistic(x, y, rows, features, options)
      const ref = await tfjsFit(x, y, rows, features, options)
      expect(Array.from(ours.weights)).toEqual(ref.weights)
      expect(ours.bias).toBe(ref.bias)
      expect(ours.lossStart).toBe(ref.lossStart)
      expect(ours.lossEnd).toBe(ref.lossEnd)
      if (learningRate < 1) {
        expect(ours.lossEnd).toBeLessThan(ours.lossStart)
      }
    })
  }

  it('reports progress once per step', () => {
    const { x, y } = data(100, 5, 1)
    const seen: number[] = []
    trainLogistic(x, y, 100, 5, { steps: 3, learningRate: 0.1, l2: 0 }, (d) => seen.push(d))
    expect(seen).toEqual([1, 2, 3])
  })
})
