import { describe, expect, it } from 'vitest'
import { DEFAULT_BLEND } from '../../src/core/defaults'
import { optionsForBlend } from '../../src/offline/blend/holdout'
import { buildOptions } from '../../src/offline/config'

describe('the session scoring a given blend was fitted on (optionsForBlend)', () => {
  const options = buildOptions({ sessionCooc: { lengthDamping: 0, decay: 0.3 } })

  it("keeps the build's own options when the blend records none", () => {
    expect(optionsForBlend(options, DEFAULT_BLEND)).toBe(options)
    expect(optionsForBlend(options, undefined)).toBe(options)
  })

  it("scores the session lists with the blend's choice", () => {
    const sessionCooc = { lengthDamping: 0, decay: 0.5, backward: 0, popularityExponent: 0.2 }
    const chosen = optionsForBlend(options, { ...DEFAULT_BLEND, sessionCooc }).sessionCooc
    expect(chosen).toMatchObject(sessionCooc)
    expect(chosen.maxDistance).toBe(options.sessionCooc.maxDistance)
  })

  it('reads a blend without lengthDamping as fitted on lists damped by session length', () => {
    const older = { decay: 0.5, backward: 0, popularityExponent: 0.2 }
    const chosen = optionsForBlend(options, { ...DEFAULT_BLEND, sessionCooc: older }).sessionCooc
    expect(chosen).toMatchObject({ ...older, lengthDamping: 1 })
  })
})
