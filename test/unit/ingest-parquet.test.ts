import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDuckdb } from '../../src/offline/engines/duckdb/database'
import { readBoards, readEvents } from '../../src/offline/ingest'
import { loadInputs } from '../../src/offline/inputs'
import { silentLogger } from '../../src/offline/log'

const TINY = 'test/fixtures/tiny'
const COLUMNS = { boards: {}, events: {}, pins: {} }

describe('Parquet inputs', () => {
  let dir = ''
  const q = (name: string): string => join(dir, name)
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rp-parquet-'))
    const db = await openDuckdb({ keepOrder: true })
    const copy = (select: string, file: string) =>
      db.connection.run(`COPY (${select}) TO '${q(file)}' (FORMAT parquet)`)
    try {
      for (const kind of ['boards', 'events', 'pins']) {
        await copy(
          `SELECT * FROM read_csv('${join(TINY, `${kind}.csv`)}', header = true, all_varchar = true)`,
          `${kind}.parquet`
        )
      }
      // Typed columns and other names: a TIMESTAMP and an INTEGER id, mapped with --events-col.
      await copy(
        `SELECT CAST(user_id AS VARCHAR) AS uid, pin_id, action, CASE WHEN timestamp LIKE '%-%' THEN CAST(CAST(timestamp AS TIMESTAMPTZ) AS TIMESTAMP) WHEN LENGTH(timestamp) >= 12 THEN epoch_ms(CAST(timestamp AS BIGINT)) ELSE CAST(to_timestamp(CAST(timestamp AS BIGINT)) AS TIMESTAMP) END AS at
         FROM read_csv('${join(TINY, 'events.csv')}', header = true, all_varchar = true)`,
        'events-typed.parquet'
      )
      await copy(
        `SELECT * FROM (VALUES ('u1', 'p1', 'save', '2024-01-01T00:00:00Z'),
           ('u1', 'p2', 'save', 'yesterday'), ('u2', NULL, 'click', '2024-01-01T00:00:00Z'))
           t(user_id, pin_id, action, timestamp)`,
        'events-bad.parquet'
      )
    } finally {
      db.close()
    }
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('loads the same tables from Parquet as from CSV', async () => {
    const load = (ext: string) =>
      loadInputs(
        {
          boards: ext === 'csv' ? join(TINY, 'boards.csv') : q('boards.parquet'),
          events: ext === 'csv' ? join(TINY, 'events.csv') : q('events.parquet'),
          pins: ext === 'csv' ? join(TINY, 'pins.csv') : q('pins.parquet'),
        },
        { skipBadRows: false, columns: COLUMNS },
        silentLogger
      )
    const csv = await load('csv')
    const parquet = await load('parquet')
    expect(parquet.pins.ids).toEqual(csv.pins.ids)
    expect(parquet.meta).toEqual(csv.meta)
    expect(Array.from(parquet.boards!.pin)).toEqual(Array.from(csv.boards!.pin))
    expect(Array.from(parquet.events!.time)).toEqual(Array.from(csv.events!.time))
    expect(parquet.reports.events!.read).toBe(csv.reports.events!.read)
    expect(parquet.reports.events!.used).toBe(csv.reports.events!.used)
  })

  it('maps columns and reads TIMESTAMP columns as the same instants', async () => {
    const times: number[] = []
    const expected: number[] = []
    await readEvents(join(TINY, 'events.csv'), (r) => expected.push(r.timestamp))
    const report = await readEvents(q('events-typed.parquet'), (r) => times.push(r.timestamp), {
      columns: { user_id: 'uid', timestamp: 'at' },
    })
    expect(times).toEqual(expected)
    expect(report.used).toBe(expected.length)
  })

  it('fails on a bad row with file:row: field: reason, or counts it when skipping', async () => {
    await expect(readEvents(q('events-bad.parquet'), () => {})).rejects.toThrow(
      `${q('events-bad.parquet')}:2: timestamp:`
    )
    const report = await readEvents(q('events-bad.parquet'), () => {}, { skipBadRows: true })
    expect(report.read).toBe(3)
    expect(report.used).toBe(1)
    expect(Object.values(report.skipped).reduce((a, b) => a + b, 0)).toBe(2)
  })

  it('names a missing column the way CSV headers do', async () => {
    await expect(readBoards(q('events.parquet'), () => {})).rejects.toThrow(
      /header: missing required column 'board_id'/
    )
  })
})
