import { describe, expect, it } from 'vitest'
import type { PinRecord } from '../../src/core/artifact'
import { rankRelated } from '../../src/core/blend'
import { DEFAULT_BLEND } from '../../src/core/defaults'
import { FEATURE_COUNT } from '../../src/core/features'
import { createRandom } from '../../src/core/random'
import { type FitExample, fitBlendModel } from '../../src/offline/blend/fit-model'
import { pinEntry as entry } from '../fixtures/pin-entry'

/** Queries whose next pin is the candidate with the highest session score, cooc being noise. */
function examples(count: number, seed: number): FitExample[] {
  const random = createRandom(seed)
  return Array.from({ length: count }, (_, q) => {
    const candidates = Array.from({ length: 20 }, (_, i) => ({
      pin: entry(`q${q}c${i}`, random.int(100)),
      sources: 1 | 4,
      scores: { cooc: random.next(), session: random.next() * 0.8 },
    }))
    const target = candidates[random.int(20)]!
    target.scores.session = 0.9
    const record: PinRecord = { pin: entry(`q${q}`, random.int(50)), candidates }
    return { record, targetId: target.pin.id }
  })
}

describe('learned blend model', () => {
  it('fits deterministically and learns which source predicts the next pin', async () => {
    const train = examples(200, 1)
    const options = { negativesPerQuery: 10, steps: 150, learningRate: 0.1, l2: 1e-4, seed: 3 }
    const a = await fitBlendModel(train, options)
    const b = await fitBlendModel(train, options)
    expect(a).not.toBeNull()
    expect(a!.model.weights).toEqual(b!.model.weights)
    expect(a!.model.bias).toBe(b!.model.bias)
    expect(a!.model.weights.length).toBe(FEATURE_COUNT)
    expect(a!.report.lossEnd).toBeLessThan(a!.report.lossStart)

    // On fresh queries the model ranks the target first far more often than cooc-heavy weights.
    const blend = { ...DEFAULT_BLEND, model: a!.model }
    const leanCooc = {
      ...DEFAULT_BLEND,
      weights: {
        tail: { cooc: 1, pin2vec: 0, session: 0, walk: 0 },
        torso: { cooc: 1, pin2vec: 0, session: 0, walk: 0 },
        head: { cooc: 1, pin2vec: 0, session: 0, walk: 0 },
      },
    }
    let modelTop = 0
    let coocTop = 0
    for (const { record, targetId } of examples(100, 2)) {
      modelTop += rankRelated(record, blend, { k: 1 })[0]!.id === targetId ? 1 : 0
      coocTop += rankRelated(record, leanCooc, { k: 1 })[0]!.id === targetId ? 1 : 0
    }
    expect(modelTop).toBeGreaterThan(90)
    expect(coocTop).toBeLessThan(30)
  })

  it('declines to fit on too few queries', async () => {
    expect(await fitBlendModel(examples(5, 1))).toBeNull()
  })
})
