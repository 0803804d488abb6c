import { execFile } from 'node:child_process'
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { runCli } from '../../src/cli/program'
import { CURRENT_KEY } from '../../src/core/artifact'
import { buildFromCandidates } from '../../src/offline/candidates/build-from'
import { buildOptions } from '../../src/offline/config'
import { silentLogger } from '../../src/offline/log'
import { runBuild } from '../../src/offline/pipeline'
import { parseShardSlice, type ShardSlice } from '../../src/offline/slice'
import { kvBulkFiles, readArtifacts, readKvBulk } from '../../src/offline/write'

const TINY = 'test/fixtures/tiny'
// One pin per shard gives the 7-pin world 7 shards, so 3 slices get 3, 2 and 2; two pairs per
// kv-bulk file gives every slice several files.
const OPTIONS = buildOptions({
  blend: { holdout: 0 },
  pin2vec: { epochs: 2, dims: 8 },
  assemble: { pinsPerShard: 1 },
})
const LIMITS = { maxPairs: 2, maxBytes: 100_000_000 }
const CREATED_AT = '2026-12-01T12:00:00.000Z'

/** Every KV pair of a directory in upload order, as key → the pair's JSON (value and metadata). */
async function kvContents(dir: string): Promise<{ order: string[]; pairs: Map<string, string> }> {
  const order: string[] = []
  const pairs = new Map<string, string>()
  for (const file of await kvBulkFiles(dir)) {
    for await (const pair of readKvBulk(file)) {
      expect(pairs.has(pair.key), `${pair.key} written twice`).toBe(false)
      order.push(pair.key)
      pairs.set(pair.key, JSON.stringify(pair))
    }
  }
  return { order, pairs }
}

async function filesOf(dir: string, sub: string): Promise<[string, Buffer][]> {
  const names = (await readdir(join(dir, sub))).sort()
  return Promise.all(
    names.map(async (n): Promise<[string, Buffer]> => [n, await readFile(join(dir, sub, n))])
  )
}

describe('sharded assembly (--shard-slice i/n)', () => {
  let dir = ''
  let candidates = ''
  const pins = join(TINY, 'pins.csv')
  const slice = (s: ShardSlice, out: string) =>
    buildFromCandidates(
      {
        dir: candidates,
        pins,
        out,
        options: OPTIONS,
        slice: s,
        createdAt: CREATED_AT,
        limits: LIMITS,
      },
      silentLogger
    )

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rp-slices-'))
    await runBuild(
      {
        inputs: { boards: join(TINY, 'boards.csv'), events: join(TINY, 'events.csv'), pins },
        out: join(dir, 'build'),
        options: OPTIONS,
        writeCandidates: true,
      },
      silentLogger
    )
    candidates = join(dir, 'build', 'candidates')
  }, 120_000)
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('3 slices copied together give the KV contents and build id of 1 slice, byte for byte', async () => {
    const one = await slice({ index: 0, count: 1 }, join(dir, 'one'))
    const parts = []
    for (let i = 0; i < 3; i++) {
      parts.push(await slice({ index: i, count: 3 }, join(dir, `part${i}`)))
    }
    // Every slice knows the id before encoding anything, and they agree.
    expect(parts.map((p) => p.manifest.buildId)).toEqual(Array(3).fill(one.manifest.buildId))
    expect(parts.map((p) => p.manifest.shardCount)).toEqual([7, 7, 7])
    // Each slice wrote only its own shards: s mod 3 = i.
    for (let i = 0; i < 3; i++) {
      const shards = (await readdir(join(dir, `part${i}`, 'shards'))).map((n) =>
        Number(n.slice(0, 6))
      )
      expect(shards.sort()).toEqual([0, 1, 2, 3, 4, 5, 6].filter((s) => s % 3 === i))
    }
    // Only slice 0 writes the manifest and the pointer.
    expect(await readdir(join(dir, 'part1'))).not.toContain('manifest.json')

    const joined = join(dir, 'joined')
    for (let i = 0; i < 3; i++) {
      await cp(join(dir, `part${i}`), joined, { recursive: true })
    }
    const a = await kvContents(join(dir, 'one'))
    const b = await kvContents(joined)
    expect(a.pairs.size).toBe(7 + 4) // shards, the v1 and v2 stubs, the manifest, the pointer
    expect([...b.pairs.keys()].sort()).toEqual([...a.pairs.keys()].sort())
    for (const [key, pair] of a.pairs) {
      expect(b.pairs.get(key), key).toBe(pair)
    }
    // Write order holds in the joined directory: every shard, then the manifests, pointer last.
    expect(b.order.at(-1)).toBe(CURRENT_KEY)
    expect(b.order.slice(0, 7).every((k) => k.includes('/shard/'))).toBe(true)
    expect(JSON.parse(b.pairs.get(CURRENT_KEY)!).value).toBe(one.manifest.buildId)
    expect(await readFile(join(joined, 'manifest.json'), 'utf8')).toBe(
      await readFile(join(dir, 'one', 'manifest.json'), 'utf8')
    )
    expect(await filesOf(joined, 'shards')).toEqual(await filesOf(join(dir, 'one'), 'shards'))
    // The joined directory is a valid build: every shard verifies against the manifest.
    const read = await readArtifacts(joined)
    expect(read.manifest.buildId).toBe(one.manifest.buildId)
    expect((await readdir(join(joined, 'slices'))).sort()).toEqual([
      'slice-0-of-3.json',
      'slice-1-of-3.json',
      'slice-2-of-3.json',
    ])
    const report = JSON.parse(await readFile(join(joined, 'slices', 'slice-1-of-3.json'), 'utf8'))
    expect(report.slice).toMatchObject({ index: 1, count: 3, shards: 2 })
    expect(report.buildId).toBe(one.manifest.buildId)
    expect(report.counts.pins).toBe(7)
  })

  it('slices writing into one shared directory give the same build', async () => {
    const shared = join(dir, 'shared')
    for (const i of [2, 0, 1]) {
      await slice({ index: i, count: 3 }, shared)
    }
    const a = await kvContents(join(dir, 'one'))
    const b = await kvContents(shared)
    expect(new Map([...b.pairs].sort())).toEqual(new Map([...a.pairs].sort()))
  })

  it('encodes the same shard values as a build without slices; only the id is derived otherwise', async () => {
    const whole = await buildFromCandidates(
      { dir: candidates, pins, out: join(dir, 'whole'), options: OPTIONS },
      silentLogger
    )
    const sliced = await slice({ index: 0, count: 1 }, join(dir, 'one-again'))
    expect(await filesOf(join(dir, 'one-again'), 'shards')).toEqual(
      await filesOf(join(dir, 'whole'), 'shards')
    )
    const { buildId: _a, createdAt: _b, ...wholeBody } = whole.manifest
    const { buildId: _c, createdAt: _d, ...slicedBody } = sliced.manifest
    expect(slicedBody).toEqual(wholeBody)
    expect(sliced.manifest.buildId).not.toBe(whole.manifest.buildId)
  })

  it('changes the id when an input file or a setting that shapes the output changes', async () => {
    const base = (await slice({ index: 1, count: 3 }, join(dir, 'id-a'))).manifest.buildId
    const other = await buildFromCandidates(
      {
        dir: candidates,
        pins,
        out: join(dir, 'id-b'),
        options: buildOptions({ ...OPTIONS, assemble: { pinsPerShard: 1, maxShardBytes: 20_000 } }),
        slice: { index: 1, count: 3 },
      },
      silentLogger
    )
    expect(other.manifest.buildId).not.toBe(base)
    const withoutPins = await buildFromCandidates(
      {
        dir: candidates,
        out: join(dir, 'id-c'),
        options: OPTIONS,
        slice: { index: 1, count: 3 },
      },
      silentLogger
    )
    expect(withoutPins.manifest.buildId).not.toBe(base)
  })

  it('runs as the CLI command: the flag reaches the build, stdout names the slice', async () => {
    const out = join(dir, 'cli')
    const lines: string[] = []
    vi.spyOn(console, 'log').mockImplementation((line: string) => {
      lines.push(line)
    })
    try {
      await runCli([
        'build',
        '--from-candidates',
        candidates,
        '--pins',
        pins,
        '--pins-per-shard',
        '1',
        '--shard-slice',
        '1/3',
        '--out',
        out,
        '--quiet',
      ])
    } finally {
      vi.restoreAllMocks()
    }
    const id = (await slice({ index: 0, count: 1 }, join(dir, 'cli-one'))).manifest.buildId
    expect(JSON.parse(lines.at(-1)!)).toEqual({
      build: id,
      pins: 7,
      shards: 7,
      slice: '1/3',
      out,
    })
    expect((await readdir(join(out, 'shards'))).sort()).toEqual(['000001.bin', '000004.bin'])
    expect(await readdir(join(out, 'slices'))).toEqual(['slice-1-of-3.json'])
    expect(await readdir(out)).not.toContain('manifest.json')
  })

  it('refuses more slices than shards', async () => {
    await expect(slice({ index: 0, count: 8 }, join(dir, 'too-many'))).rejects.toThrow(
      '--shard-slice 0/8: this build has 7 shards, so at most 7 slices'
    )
  })
})

describe('--shard-slice validation', () => {
  let stderr: string[] = []
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it.each([
    ['0/0', 'n (the number of slices) must be at least 1.'],
    ['3/3', 'i must be below n: the slices of 3 are 0/3 to 2/3.'],
    ['a/b', 'expected i/n with integers 0 <= i < n'],
    ['1/2/3', 'expected i/n'],
    ['-1/3', 'expected i/n'],
    ['1.5/3', 'expected i/n'],
    ['', 'expected i/n'],
  ])('%j is refused with one line naming the flag', async (raw, message) => {
    expect(parseShardSlice(raw)).toEqual(expect.stringContaining(message))
    stderr = []
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr.push(String(chunk))
      return true
    })
    await expect(
      runCli(['build', '--from-candidates', 'c', '--shard-slice', raw])
    ).rejects.toMatchObject({ exitCode: 1 })
    const text = stderr.join('')
    expect(text.trimEnd().split('\n')).toHaveLength(1)
    expect(text).toContain(
      `related-pins build: option '--shard-slice <i/n>' argument '${raw}' is invalid. ${message}`
    )
  })

  it('exits 1 from the binary with one line and no stack trace', async () => {
    const bin = join(import.meta.dirname, '..', '..', 'bin', 'related-pins.mjs')
    const run = async (argv: string[]) =>
      promisify(execFile)(process.execPath, [bin, ...argv]).then(
        () => ({ code: 0, stderr: '' }),
        (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr })
      )
    const [bad, alone] = await Promise.all([
      run(['build', '--from-candidates', 'c', '--shard-slice', '3/3']),
      run(['build', '--events', 'e.csv', '--shard-slice', '0/2']),
    ])
    expect(bad).toEqual({
      code: 1,
      stderr:
        "related-pins build: option '--shard-slice <i/n>' argument '3/3' is invalid. i must be below n: the slices of 3 are 0/3 to 2/3. (see `related-pins build --help`)\n",
    })
    expect(alone.code).toBe(1)
    expect(alone.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(alone.stderr).toMatch(/^related-pins build: --shard-slice needs --from-candidates DIR/)
  })

  it('accepts i/n with 0 <= i < n', () => {
    expect(parseShardSlice('0/1')).toEqual({ index: 0, count: 1 })
    expect(parseShardSlice(' 2 / 3 ')).toEqual({ index: 2, count: 3 })
  })

  it('needs --from-candidates', async () => {
    stderr = []
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr.push(String(chunk))
      return true
    })
    await expect(
      runCli(['build', '--boards', 'b.csv', '--shard-slice', '0/3'])
    ).rejects.toMatchObject({ exitCode: 1 })
    expect(stderr.join('').trimEnd().split('\n')).toEqual([
      'related-pins build: --shard-slice needs --from-candidates DIR: a build from --boards/--events trains its sources in one process, only assembly from candidate files is sliced (see `related-pins build --help`)',
    ])
  })
})
