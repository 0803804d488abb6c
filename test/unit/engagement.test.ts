import { describe, expect, it } from 'vitest'
import { countEngagement } from '../../src/offline/sessions/engagement'

// Pins 0..2 engaged over a span of 100 ms: pin 0 early and late, pin 1 early, pin 2 last.
const sessions = {
  pins: Int32Array.from([0, 1, 0, 1, 0, 2]),
  times: Float64Array.from([0, 10, 50, 89, 90, 100]),
}

describe('engagement and recent engagement (countEngagement)', () => {
  it('counts every engagement, and those in the last share of the time span as recent', () => {
    const engagement = new Int32Array(3)
    const recent = new Int32Array(3)
    countEngagement(sessions, 0.1, engagement, recent)
    expect([...engagement]).toEqual([3, 2, 1])
    // The window starts at 100 − 0.1 · 100 = 90, inclusive: pin 0 at 90 and pin 2 at 100.
    expect([...recent]).toEqual([1, 0, 1])
  })

  it('widens the window with the share, and counts nothing as recent at 0', () => {
    const engagement = new Int32Array(3)
    const recent = new Int32Array(3)
    countEngagement(sessions, 0.5, engagement, recent)
    expect([...recent]).toEqual([2, 1, 1])
    const none = new Int32Array(3)
    countEngagement(sessions, 0, new Int32Array(3), none)
    expect([...none]).toEqual([0, 0, 0])
  })
})
