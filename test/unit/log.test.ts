import { describe, expect, it } from 'vitest'
import { DEFAULT_BUILD_OPTIONS } from '../../src/offline/config'
import { createLogger, formatBytes, formatDuration } from '../../src/offline/log'
import { runBuild } from '../../src/offline/pipeline'

/** A logger on a fake clock that records what it writes. */
function recorder(tty: boolean) {
  let t = 0
  const out: string[] = []
  const log = createLogger({ tty, write: (s) => out.push(s), now: () => t })
  return { log, out, advance: (ms: number) => (t += ms) }
}

describe('build logger', () => {
  it('prints plain throttled lines with count, rate and ETA off a terminal', () => {
    const { log, out, advance } = recorder(false)
    const c = log.counter('ingest', 'events', { total: 4000, unit: 'rows' })
    for (let i = 0; i < 2048; i++) {
      advance(10) // 20.48 s for 2,048 rows: two 10 s intervals pass
      c.add()
    }
    // The clock is read every 1,024 adds: at 10.24 s and 20.48 s, each ≥ 10 s after the last line.
    expect(out).toEqual([
      '[ingest] events: 1,024/4,000 rows (25%), 100/s, ETA 30 s\n',
      '[ingest] events: 2,048/4,000 rows (51%), 100/s, ETA 20 s\n',
    ])
    advance(5000)
    c.set(4000) // 5 s after the last line: not shown
    expect(out.length).toBe(2)
    c.end()
    expect(out[2]).toBe('[ingest] events: 4,000 rows, 157/s (25.5 s)\n')
  })

  it('redraws one line on a terminal and ends it before the next line', () => {
    const { log, out, advance } = recorder(true)
    const c = log.counter('blend', 'weight search', { total: 10, unit: 'weightings' })
    advance(300)
    c.set(5)
    expect(out.at(-1)).toBe('\r\x1b[K[blend] weight search: 5/10 weightings (50%), 17/s, ETA 0.3 s')
    log.info('next')
    expect(out.at(-1)).toBe('\r\x1b[Knext\n')
  })

  it('closes with wall time and peak memory', () => {
    const { log, out, advance } = recorder(false)
    advance(125_000)
    log.summary('build done')
    expect(out[0]).toMatch(/^build done in 2 min 5 s, peak memory \d+\.\d (MiB|GiB) RSS\n$/)
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GiB')
    expect(formatDuration(7.25)).toBe('7.3 s')
  })
})

describe('build without inputs', () => {
  it('fails as a config error before it logs that it is loading anything', async () => {
    const { log, out } = recorder(false)
    await expect(
      runBuild({ inputs: {}, out: 'unused', options: DEFAULT_BUILD_OPTIONS }, log)
    ).rejects.toThrow(
      '[build:config] give --boards, --events or both: there is nothing to learn from'
    )
    expect(out).toEqual([])
  })
})
