import { describe, expect, it } from 'vitest'
import { DEFAULT_ASSEMBLE_OPTIONS } from '../../src/offline/assemble'
import { BuildError } from '../../src/offline/errors'
import { checkMemory, parseBytes } from '../../src/offline/memory'
import { checkWriteMemory, writeMemoryParts } from '../../src/offline/write-memory'

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

describe('write stage memory', () => {
  const ids = ['a', 'bb', 'ccc']
  const meta = { title: ['t', '', 'title'], imageUrl: ['u', 'u', 'u'], link: ['', 'l', 'l'] }

  it('counts vectors, pin entries with their text, and the union scratch per pin', () => {
    const parts = writeMemoryParts(ids, meta, 64, 4)
    // 64 int8 + 8 signature bytes + 12 for norm and scale, per pin
    expect(parts['stored vectors, signatures, norms and scales']).toBe(3 * (64 + 8 + 12))
    // entry object, index arrays and signature per pin, plus 6 + 6 + 3 + 2 characters of text
    expect(parts['pin entries (objects and encoded bytes)']).toBe(3 * (160 + 12 + 8 + 8) + 17)
    expect(parts['union scratch and shard order']).toBe(3 * 16 + 4)
    expect(writeMemoryParts(ids, meta, 0, 4)['stored vectors, signatures, norms and scales']).toBe(
      0
    )
  })

  it('fails the write stage before it allocates when the estimate does not fit', () => {
    const budget = { limitBytes: 500, origin: '--max-memory 500 B', residentBytes: () => 0 }
    const sources = { pin2vec: { dims: 64 } } as unknown as Parameters<typeof checkWriteMemory>[3]
    const options = { ...DEFAULT_ASSEMBLE_OPTIONS, pinsPerShard: 4 }
    expect(() => checkWriteMemory(budget, ids, meta, sources, options)).toThrow(
      /^\[build:write\] Writing 3 pins' shards needs about .* over the limit of --max-memory 500 B\. Give the build more memory/
    )
    expect(() =>
      checkWriteMemory({ ...budget, limitBytes: 10_000 }, ids, meta, sources, options)
    ).not.toThrow()
  })
})
