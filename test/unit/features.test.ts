import { describe, expect, it } from 'vitest'
import type { PinRecord } from '../../src/core/artifact'
import { sourceScores } from '../../src/core/blend'
import { candidateFeatures, FEATURE_COUNT, FEATURE_NAMES } from '../../src/core/features'
import { pinEntry } from '../fixtures/pin-entry'

describe('blend features', () => {
  it('give each candidate its engagement and its recent engagement, from the pin entry', () => {
    const record: PinRecord = {
      pin: pinEntry('q', 9),
      candidates: [
        { pin: { ...pinEntry('a', 40), recentEngagement: 12 }, sources: 1, scores: { cooc: 0.5 } },
        { pin: { ...pinEntry('b', 3), recentEngagement: 0 }, sources: 1, scores: { cooc: 0.25 } },
      ],
    }
    const out = new Float32Array(2 * FEATURE_COUNT)
    const scores = record.candidates.map((c) => sourceScores(record, c))
    candidateFeatures(record, record.candidates, scores, out)
    const total = FEATURE_NAMES.indexOf('log1p(candidate engagement)')
    const recent = FEATURE_NAMES.indexOf('log1p(candidate recent engagement)')
    expect(recent).toBeGreaterThan(-1)
    expect(out[total]).toBeCloseTo(Math.log1p(40), 6)
    expect(out[recent]).toBeCloseTo(Math.log1p(12), 6)
    expect(out[FEATURE_COUNT + total]).toBeCloseTo(Math.log1p(3), 6)
    expect(out[FEATURE_COUNT + recent]).toBe(0)
  })
})
