import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Manifest, openShardSync } from '../../src/core/artifact'
import { buildFromCandidates } from '../../src/offline/candidates/build-from'
import { buildOptions } from '../../src/offline/config'
import { openDuckdb } from '../../src/offline/engines/duckdb/database'
import { silentLogger } from '../../src/offline/log'
import { type BuildResult, runBuild } from '../../src/offline/pipeline'
import { NODE_SHARD_READ } from '../../src/offline/shard-codecs'

const TINY = 'test/fixtures/tiny'
const OPTIONS = buildOptions({ blend: { holdout: 0 }, pin2vec: { epochs: 2, dims: 8 } })

describe('candidate files', () => {
  let dir = ''
  let built: BuildResult
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rp-candidates-'))
    built = await runBuild(
      {
        inputs: {
          boards: join(TINY, 'boards.csv'),
          events: join(TINY, 'events.csv'),
          pins: join(TINY, 'pins.csv'),
        },
        out: join(dir, 'build'),
        options: OPTIONS,
        writeCandidates: true,
      },
      silentLogger
    )
  }, 120_000)
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('--write-candidates then --from-candidates gives the same build, byte for byte', async () => {
    const files = built.files.map((f) => f.slice(join(dir, 'build').length + 1))
    for (const name of ['cooc', 'walk', 'session', 'pin2vec', 'pins']) {
      expect(files).toContain(`candidates/${name}.parquet`)
    }
    const again = await buildFromCandidates(
      {
        dir: join(dir, 'build', 'candidates'),
        pins: join(TINY, 'pins.csv'),
        out: join(dir, 'again'),
        options: OPTIONS,
      },
      silentLogger
    )
    const { createdAt: _a, ...first } = built.manifest
    const { createdAt: _b, ...second } = again.manifest
    expect(second).toEqual(first)
    const shards = async (out: string) => {
      const names = (await readdir(join(out, 'shards'))).sort()
      return Promise.all(names.map(async (n) => [n, await readFile(join(out, 'shards', n))]))
    }
    const before = await shards(join(dir, 'build'))
    expect(before.length).toBeGreaterThan(0)
    expect(await shards(join(dir, 'again'))).toEqual(before)
  }, 60_000)

  it('reads a pins file without recent_engagement as no recent engagement', async () => {
    // Every pin's recentEngagement, decoded from the shards of the build in `out`.
    const recent = async (out: string, manifest: Manifest) => {
      const values = new Map<string, number>()
      for (const name of await readdir(join(out, 'shards'))) {
        const place = { index: Number(name.split('.')[0]), ...manifest }
        const reader = openShardSync(
          await readFile(join(out, 'shards', name)),
          place,
          NODE_SHARD_READ
        )
        for (const id of reader.ids()) {
          values.set(id, reader.get(id)!.pin.recentEngagement)
        }
      }
      return values
    }
    const written = await recent(join(dir, 'build'), built.manifest)
    // The byte-for-byte test above only proves the column round-trips if some pin has a count.
    expect([...written.values()].some((v) => v > 0)).toBe(true)
    const older = join(dir, 'older')
    await cp(join(dir, 'build', 'candidates'), older, { recursive: true })
    const db = await openDuckdb()
    try {
      const pins = join(older, 'pins.parquet')
      await db.connection.run(
        `COPY (SELECT * EXCLUDE (recent_engagement) FROM '${pins}') TO '${pins}.tmp' (FORMAT parquet)`
      )
      await cp(`${pins}.tmp`, pins)
      await rm(`${pins}.tmp`)
    } finally {
      db.close()
    }
    const again = await buildFromCandidates(
      { dir: older, pins: join(TINY, 'pins.csv'), out: join(dir, 'older-out'), options: OPTIONS },
      silentLogger
    )
    const read = await recent(join(dir, 'older-out'), again.manifest)
    expect([...read.keys()].sort()).toEqual([...written.keys()].sort())
    expect([...read.values()].every((v) => v === 0)).toBe(true)
  }, 60_000)

  it('names the file, the pin and the field of a bad candidate row', async () => {
    const bad = join(dir, 'bad')
    await mkdir(bad, { recursive: true })
    const db = await openDuckdb()
    try {
      await db.connection.run(`CREATE TABLE c AS SELECT * FROM (VALUES
        ('p1', 'p2', 0.5, 1), ('p1', 'p3', 0.4, 3), ('p2', 'p1', 0.5, 1)) t(pin_id, candidate_id, score, rank)`)
      await db.connection.run(
        `COPY (SELECT pin_id, candidate_id, CAST(score AS DOUBLE) AS score, CAST(rank AS INTEGER) AS rank FROM c) TO '${join(bad, 'cooc.parquet')}' (FORMAT parquet)`
      )
    } finally {
      db.close()
    }
    await expect(
      buildFromCandidates(
        {
          dir: bad,
          out: join(dir, 'bad-out'),
          options: OPTIONS,
        },
        silentLogger
      )
    ).rejects.toThrow(
      `${join(bad, 'cooc.parquet')}: pin p1: rank: ranks of a pin must be 1..n, each once`
    )
  })

  it('fails clearly on a directory without candidate files', async () => {
    await expect(
      buildFromCandidates({ dir, out: join(dir, 'x'), options: OPTIONS }, silentLogger)
    ).rejects.toThrow(/no candidate files/)
  })
})
