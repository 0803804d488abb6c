import { describe, expect, it } from 'vitest'
import { SecondMissFilter } from '../../src/worker/admission'

describe('SecondMissFilter', () => {
  it('admits a key on its second miss, not its first', () => {
    const filter = new SecondMissFilter(4)
    expect(filter.admit('/v1/pins/a/related?k=20')).toBe(false)
    expect(filter.admit('/v1/pins/b/related?k=20')).toBe(false)
    expect(filter.admit('/v1/pins/a/related?k=20')).toBe(true)
    expect(filter.admit('/v1/pins/a/related?k=20')).toBe(true)
  })

  it('forgets the oldest first misses past its capacity', () => {
    const filter = new SecondMissFilter(3)
    for (const key of ['a', 'b', 'c', 'd']) {
      expect(filter.admit(key)).toBe(false)
    }
    // 'a' was pushed out by 'd'; 'b', 'c' and 'd' are still remembered.
    expect(filter.admit('b')).toBe(true)
    expect(filter.admit('c')).toBe(true)
    expect(filter.admit('d')).toBe(true)
    expect(filter.admit('a')).toBe(false)
  })
})
