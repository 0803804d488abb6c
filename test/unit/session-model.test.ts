import { describe, expect, it } from 'vitest'
import type { PinRecord } from '../../src/core/artifact'
import { DEFAULT_BLEND } from '../../src/core/defaults'
import { rerankRelated } from '../../src/core/rerank'
import { DEFAULT_SESSION, sessionCandidates } from '../../src/core/session-model'
import { pinEntry as entry } from '../fixtures/pin-entry'

/** A record whose candidates carry only a session score (the default blend weighs it 0.5). */
const record = (id: string, candidates: [string, number][]): PinRecord => ({
  pin: entry(id),
  candidates: candidates.map(([c, s]) => ({ pin: entry(c), sources: 4, scores: { session: s } })),
})

const blend = {
  ...DEFAULT_BLEND,
  session: { ...DEFAULT_SESSION, contextWeight: 1, recencyDecay: 0.5 },
}

describe('session model', () => {
  const query = record('q', [
    ['a', 1],
    ['b', 0.9],
    ['c', 0.5],
  ])

  it('without context, ranks exactly as the one-pin answer', () => {
    const plain = rerankRelated([query], DEFAULT_BLEND, { k: 10 })
    expect(plain.map((r) => r.id)).toEqual(['a', 'b', 'c'])
  })

  it('boosts a pin reached from several seeds above the sum, Pixie-style', () => {
    const ctx = record('x', [['c', 1]])
    const [c] = sessionCandidates([query], [ctx], blend, blend.session, { skip: new Set() }).filter(
      (m) => m.pin.id === 'c'
    )
    // Normalised scores: c is 0.5 for q (weight 1) and 1 for x (weight 1): (√0.5 + √1)² > 1.5.
    expect(c!.features[2]).toBeCloseTo((Math.sqrt(0.5) + 1) ** 2, 5)
    expect(c!.features[5]).toBe(2)
    const ranked = rerankRelated([query], blend, { k: 10, context: [ctx] })
    expect(ranked[0]!.id).toBe('c')
    expect(ranked[0]!.seeds).toBe(2)
  })

  it('weighs the most recent context pin more, and never returns context or seen pins', () => {
    const recent = record('r1', [['d', 1]])
    const older = record('r2', [['e', 1]])
    const ranked = rerankRelated([query], blend, { k: 10, context: [recent, older] })
    const at = (id: string) => ranked.findIndex((r) => r.id === id)
    expect(at('d')).toBeLessThan(at('e'))
    const hidden = rerankRelated([query], blend, {
      k: 10,
      context: [record('a', [['d', 1]])],
      unreadContext: ['b'],
    })
    expect(hidden.map((r) => r.id)).not.toContain('a')
    expect(hidden.map((r) => r.id)).not.toContain('b')
    const allowed = rerankRelated([query], blend, {
      k: 10,
      context: [record('a', [['d', 1]])],
      unreadContext: ['b'],
      allowSeen: true,
    })
    expect(allowed.map((r) => r.id)).toContain('a')
    expect(allowed.map((r) => r.id)).toContain('b')
    expect(allowed.map((r) => r.id)).not.toContain('q')
  })

  it('ranks by the learned model when the build has one', () => {
    const ctx = record('x', [['d', 1]])
    // A model that dislikes pins the query pin proposes: weight −5 on "from query".
    const weights = new Array(12).fill(0)
    weights[1] = -5
    const withModel = {
      ...blend,
      session: {
        ...blend.session,
        model: {
          kind: 'logistic' as const,
          features: [],
          weights,
          bias: 0,
          mean: new Array(12).fill(0),
          scale: new Array(12).fill(1),
        },
      },
    }
    expect(rerankRelated([query], blend, { k: 1, context: [ctx] })[0]!.id).toBe('a')
    expect(rerankRelated([query], withModel, { k: 1, context: [ctx] })[0]!.id).toBe('d')
  })
})
