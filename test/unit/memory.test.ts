import { describe, expect, it } from 'vitest'
import { BuildError } from '../../src/offline/errors'
import { checkMemory, parseBytes } from '../../src/offline/memory'

describe('memory budget', () => {
  it('parses sizes in binary units', () => {
    expect(parseBytes('8G')).toBe(8 * 1024 ** 3)
    expect(parseBytes('512M')).toBe(512 * 1024 ** 2)
    expect(parseBytes('1.5GiB')).toBe(1.5 * 1024 ** 3)
    expect(parseBytes('2000')).toBe(2000)
    expect(parseBytes('8X')).toBeNull()
    expect(parseBytes('0')).toBeNull()
  })

  it('fails before allocating, naming the stage, the estimate and what to change', () => {
    const budget = {
      limitBytes: 1024 ** 3,
      origin: '--max-memory 1.0 GiB',
      residentBytes: () => 0.5 * 1024 ** 3,
    }
    expect(() =>
      checkMemory(budget, 'train', 'Pin2Vec', { tables: 0.25 * 1024 ** 3 }, 'Lower --dims.')
    ).not.toThrow()
    const over = () =>
      checkMemory(budget, 'train', 'Pin2Vec', { tables: 0.75 * 1024 ** 3 }, 'Lower --dims.')
    expect(over).toThrow(BuildError)
    expect(over).toThrow(
      '[build:train] Pin2Vec needs about 768.0 MiB (tables 768.0 MiB) on top of the 512.0 MiB already in use, over the limit of --max-memory 1.0 GiB. Lower --dims.'
    )
  })
})
