import { describe, expect, it } from 'vitest'
import { BuildError } from '../../src/offline/errors'
import { runThreads, share, sharedArray } from '../../src/offline/threads'

const ENTRY = new URL('../fixtures/threads/thread-entry.ts', import.meta.url)
const options = { stage: 'cooccur', label: 'test' } as const

describe('share', () => {
  it('copies a plain array onto shared memory once and keeps a shared one as it is', () => {
    const plain = Int32Array.from([1, 2, 3])
    const shared = share(plain)
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer)
    expect([...shared]).toEqual([1, 2, 3])
    expect(share(shared)).toBe(shared)
    expect(sharedArray(Float64Array, 4).buffer.byteLength).toBe(32)
  })
})

describe('runThreads', () => {
  it('runs one thread per job on shared memory and returns results in job order', async () => {
    const values = share(Int32Array.from({ length: 10 }, (_, i) => i))
    const results = await runThreads<object, number>(
      ENTRY,
      [
        { mode: 'double', values, start: 0, end: 3 },
        { mode: 'double', values, start: 3, end: 10 },
      ],
      options
    )
    expect(results).toEqual([3, 7])
    expect([...values]).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18])
  })

  it('fails the stage with a BuildError when a thread throws', async () => {
    const values = share(new Int32Array(4))
    const run = runThreads(
      ENTRY,
      [
        { mode: 'double', values, start: 0, end: 4 },
        { mode: 'throw', values, start: 0, end: 0 },
      ],
      options
    )
    await expect(run).rejects.toBeInstanceOf(BuildError)
    await expect(run).rejects.toThrow(/^\[build:cooccur\] test thread failed: boom/)
  })

  it('fails when a thread exits before posting its result', async () => {
    const values = share(new Int32Array(1))
    await expect(
      runThreads(ENTRY, [{ mode: 'exit', values, start: 0, end: 0 }], options)
    ).rejects.toThrow(/test thread exited with code 3 before finishing/)
  })
})
