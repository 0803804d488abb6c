import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BuildError } from '../../src/offline/errors'
import {
  type IngestOptions,
  type IngestReport,
  parseColumnMap,
  parseTimestamp,
  readBoards,
  readEvents,
  readPins,
} from '../../src/offline/ingest'
import type { BoardRow, EventRow, PinRow } from '../../src/offline/types'

let dir = ''

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ingest-test-'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function fixture(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, content)
  return path
}

async function boards(
  path: string,
  options?: IngestOptions
): Promise<{ rows: BoardRow[]; report: IngestReport }> {
  const rows: BoardRow[] = []
  const report = await readBoards(path, (row) => rows.push(row), options)
  return { rows, report }
}

async function events(
  path: string,
  options?: IngestOptions
): Promise<{ rows: EventRow[]; report: IngestReport }> {
  const rows: EventRow[] = []
  const report = await readEvents(path, (row) => rows.push(row), options)
  return { rows, report }
}

async function pins(
  path: string,
  options?: IngestOptions
): Promise<{ rows: PinRow[]; report: IngestReport }> {
  const rows: PinRow[] = []
  const report = await readPins(path, (row) => rows.push(row), options)
  return { rows, report }
}

/** The message of the BuildError that `run` rejects with. */
async function failure(run: () => Promise<unknown>): Promise<string> {
  try {
    await run()
  } catch (err) {
    expect(err).toBeInstanceOf(BuildError)
    return (err as Error).message
  }
  throw new Error('expected a BuildError')
}

const sumSkipped = (report: IngestReport): number =>
  Object.values(report.skipped).reduce((a, b) => a + b, 0)

const T0 = Date.UTC(2010, 11, 1, 8, 26, 0)

describe('parseTimestamp', () => {
  it('reads ISO-8601 with Z, an offset, a space and no zone as UTC', () => {
    expect(parseTimestamp('2010-12-01T08:26:00Z')).toBe(T0)
    expect(parseTimestamp('2010-12-01T09:26:00+01:00')).toBe(T0)
    expect(parseTimestamp('2010-12-01T03:26:00-0500')).toBe(T0)
    expect(parseTimestamp('2010-12-01T09:26:00+01')).toBe(T0)
    expect(parseTimestamp('2010-12-01 08:26:00')).toBe(T0)
    expect(parseTimestamp('2010-12-01T08:26')).toBe(T0)
    expect(parseTimestamp(' 2010-12-01T08:26:00Z ')).toBe(T0)
  })

  it('keeps fractions of a second to the millisecond', () => {
    expect(parseTimestamp('2010-12-01T08:26:00.5Z')).toBe(T0 + 500)
    expect(parseTimestamp('2010-12-01T08:26:00.123456Z')).toBe(T0 + 123)
  })

  it('reads a bare date as midnight UTC', () => {
    expect(parseTimestamp('2010-12-01')).toBe(Date.UTC(2010, 11, 1))
  })

  it('reads numbers below 1e11 as Unix seconds and larger ones as milliseconds', () => {
    expect(parseTimestamp('1291191960')).toBe(T0)
    expect(parseTimestamp('1291191960000')).toBe(T0)
    expect(parseTimestamp('1291191960.25')).toBe(T0 + 250)
    expect(parseTimestamp('0')).toBe(0)
  })

  it('rejects text, impossible dates and trailing junk', () => {
    for (const bad of [
      '',
      'yesterday',
      'Dec 1 2010',
      '2010-13-01',
      '2010-02-30',
      '2010-12-01T25:00:00Z',
      '2010-12-01T08:26:00Zx',
      '12e5',
      '0x10',
      '1.',
      '-',
    ]) {
      expect(parseTimestamp(bad), bad).toBeNull()
    }
    expect(parseTimestamp('2012-02-29')).toBe(Date.UTC(2012, 1, 29))
  })
})

describe('parseColumnMap', () => {
  it('maps fields to header names', () => {
    expect(parseColumnMap(['pin_id=StockCode', ' user_id = Customer ID '])).toEqual({
      pin_id: 'StockCode',
      user_id: 'Customer ID',
    })
  })

  it('rejects specs without =, unknown fields and duplicates as config errors', () => {
    for (const spec of [
      ['pin_id'],
      ['=x'],
      ['pin_id='],
      ['sku=StockCode'],
      ['pin_id=a', 'pin_id=b'],
    ]) {
      let error: unknown
      try {
        parseColumnMap(spec)
      } catch (err) {
        error = err
      }
      expect(error).toBeInstanceOf(BuildError)
      expect((error as BuildError).stage).toBe('config')
    }
  })
})

describe('CSV', () => {
  it('reads boards with optional created_at', async () => {
    const path = await fixture(
      'boards.csv',
      'board_id,pin_id,created_at\nb1,p1,2010-12-01T08:26:00Z\nb1,p2,\nb2,p1,1291191960\n'
    )
    const { rows, report } = await boards(path)
    expect(rows).toEqual([
      { boardId: 'b1', pinId: 'p1', createdAt: T0 },
      { boardId: 'b1', pinId: 'p2', createdAt: null },
      { boardId: 'b2', pinId: 'p1', createdAt: T0 },
    ])
    expect(report).toEqual({ file: path, read: 3, used: 3, skipped: {}, examples: [] })
  })

  it('reads boards without a created_at column', async () => {
    const { rows } = await boards(await fixture('boards-2col.csv', 'pin_id,board_id\np1,b1\n'))
    expect(rows).toEqual([{ boardId: 'b1', pinId: 'p1', createdAt: null }])
  })

  it('handles quoted commas, doubled quotes and line breaks inside quotes', async () => {
    const csv = [
      'pin_id,title,link',
      'p1,"Wrap, Carousel",http://a',
      'p2,"12"" Vinyl ""Red""",',
      'p3,"two',
      'lines, too",http://c',
      '"p,4",plain,"x"',
      'p5,,',
    ].join('\n')
    const { rows, report } = await pins(await fixture('pins.csv', csv))
    expect(rows).toEqual([
      { pinId: 'p1', title: 'Wrap, Carousel', imageUrl: '', link: 'http://a' },
      { pinId: 'p2', title: '12" Vinyl "Red"', imageUrl: '', link: '' },
      { pinId: 'p3', title: 'two\nlines, too', imageUrl: '', link: 'http://c' },
      { pinId: 'p,4', title: 'plain', imageUrl: '', link: 'x' },
      { pinId: 'p5', title: '', imageUrl: '', link: '' },
    ])
    expect(report.read).toBe(5)
    expect(report.used).toBe(5)
  })

  it('numbers lines physically: a row after a multi-line record reports its own line', async () => {
    const path = await fixture('multi.csv', 'pin_id,title\np1,"a\nb\nc"\n,no id\n')
    const message = await failure(() => pins(path))
    expect(message).toBe(`[build:ingest] ${path}:5: pin_id: empty`)
  })

  it('strips CR of CRLF lines but keeps ids otherwise exactly', async () => {
    const path = await fixture(
      'crlf.csv',
      'user_id,pin_id,action,timestamp\r\n u1 ,P-01 ,  SAVE ,2010-12-01 08:26:00\r\nu2,p2,click,1291191960000\r\n'
    )
    const { rows, report } = await events(path)
    expect(rows).toEqual([
      { userId: ' u1 ', pinId: 'P-01 ', action: 'save', timestamp: T0 },
      { userId: 'u2', pinId: 'p2', action: 'click', timestamp: T0 },
    ])
    expect(report.read).toBe(2)
  })

  it('strips a UTF-8 byte-order mark from the header', async () => {
    const { rows } = await boards(await fixture('bom.csv', '\uFEFFboard_id,pin_id\nb1,p1'))
    expect(rows).toEqual([{ boardId: 'b1', pinId: 'p1', createdAt: null }])
  })

  it('skips empty lines and counts them', async () => {
    const path = await fixture('empty-lines.csv', 'board_id,pin_id\nb1,p1\n\n\r\nb2,p2\n\n')
    const { rows, report } = await boards(path)
    expect(rows.map((r) => r.boardId)).toEqual(['b1', 'b2'])
    expect(report).toEqual({
      file: path,
      read: 5,
      used: 2,
      skipped: { 'empty line': 3 },
      examples: [],
    })
  })
})

describe('TSV, JSONL and gzip', () => {
  it('reads TSV with quotes taken literally', async () => {
    const path = await fixture(
      'events.tsv',
      'user_id\tpin_id\taction\ttimestamp\nu1\t"p1"\tsave\t2010-12-01T08:26:00Z\n'
    )
    const { rows } = await events(path)
    expect(rows).toEqual([{ userId: 'u1', pinId: '"p1"', action: 'save', timestamp: T0 }])
  })

  it('reads JSONL with numeric ids and timestamps', async () => {
    const lines = [
      '{"user_id":17850,"pin_id":"85123A","action":"Save","timestamp":1291191960}',
      '',
      '{"user_id":"c1","pin_id":71053,"action":"click","timestamp":"2010-12-01T08:26:00Z","extra":true}',
    ]
    const path = await fixture('events.jsonl', `${lines.join('\n')}\n`)
    const { rows, report } = await events(path)
    expect(rows).toEqual([
      { userId: '17850', pinId: '85123A', action: 'save', timestamp: T0 },
      { userId: 'c1', pinId: '71053', action: 'click', timestamp: T0 },
    ])
    expect(report).toEqual({
      file: path,
      read: 3,
      used: 2,
      skipped: { 'empty line': 1 },
      examples: [],
    })
  })

  it('reads .ndjson pins with absent optional fields as empty strings', async () => {
    const path = await fixture(
      'pins.ndjson',
      '{"pin_id":"p1","title":"A","image_url":null}\n{"pin_id":"p2","title":"B","link":"http://b"}'
    )
    const { rows } = await pins(path)
    expect(rows).toEqual([
      { pinId: 'p1', title: 'A', imageUrl: '', link: '' },
      { pinId: 'p2', title: 'B', imageUrl: '', link: 'http://b' },
    ])
  })

  it('decompresses .csv.gz and .jsonl.gz', async () => {
    const csv = await fixture('boards.csv.gz', gzipSync('board_id,pin_id\nb1,"p,1"\nb2,p2\n'))
    expect((await boards(csv)).rows).toEqual([
      { boardId: 'b1', pinId: 'p,1', createdAt: null },
      { boardId: 'b2', pinId: 'p2', createdAt: null },
    ])
    const jsonl = await fixture(
      'boards.jsonl.gz',
      gzipSync('{"board_id":"b1","pin_id":"p1","created_at":"2010-12-01T08:26:00Z"}\n')
    )
    expect((await boards(jsonl)).rows).toEqual([{ boardId: 'b1', pinId: 'p1', createdAt: T0 }])
  })

  it('streams a gzip file larger than one chunk, with records split across chunks', async () => {
    const n = 50_000
    const body = Array.from(
      { length: n },
      (_, i) => `u${i % 97},"p${i}, x",save,${1291191960 + i}`
    ).join('\n')
    const path = await fixture('big.csv.gz', gzipSync(`user_id,pin_id,action,timestamp\n${body}\n`))
    let count = 0
    let last: EventRow | undefined
    const report = await readEvents(path, (row) => {
      count++
      last = row
    })
    expect(count).toBe(n)
    expect(report.used).toBe(n)
    expect(last).toEqual({
      userId: `u${(n - 1) % 97}`,
      pinId: `p${n - 1}, x`,
      action: 'save',
      timestamp: (1291191960 + n - 1) * 1000,
    })
  })

  it('keeps multi-byte characters intact across chunk boundaries', async () => {
    // About 1 MB decompressed: several 256 KB gunzip chunks, each likely to end mid-character.
    const n = 30_000
    const body = Array.from({ length: n }, (_, i) => `p${i},Café ☕ ${i} ünïcødé`).join('\n')
    const path = await fixture('utf8.csv.gz', gzipSync(`pin_id,title\n${body}`))
    const { rows } = await pins(path)
    expect(rows).toHaveLength(n)
    expect(rows.every((row, i) => row.title === `Café ☕ ${i} ünïcødé`)).toBe(true)
  })

  it('takes the format from the option when the extension says nothing', async () => {
    const path = await fixture('boards.txt', 'board_id\tpin_id\nb1\tp1\n')
    expect((await boards(path, { format: 'tsv' })).rows).toEqual([
      { boardId: 'b1', pinId: 'p1', createdAt: null },
    ])
    expect(await failure(() => boards(path))).toContain(`${path}: unknown format`)
  })
})

describe('column mapping', () => {
  it('reads mapped header names', async () => {
    const path = await fixture(
      'retail.csv',
      'InvoiceNo,StockCode,Customer ID,InvoiceDate\n536365,85123A,17850,2010-12-01 08:26:00\n'
    )
    const columns = parseColumnMap([
      'user_id=Customer ID',
      'pin_id=StockCode',
      'timestamp=InvoiceDate',
      'action=InvoiceNo',
    ])
    const { rows } = await events(path, { columns })
    expect(rows).toEqual([{ userId: '17850', pinId: '85123A', action: '536365', timestamp: T0 }])
  })

  it('maps JSONL keys too', async () => {
    const path = await fixture('mapped.jsonl', '{"sku":"p1","name":"Mug"}\n')
    expect((await pins(path, { columns: { pin_id: 'sku', title: 'name' } })).rows).toEqual([
      { pinId: 'p1', title: 'Mug', imageUrl: '', link: '' },
    ])
  })

  it('names the missing column, the columns present and the flag to map it', async () => {
    const path = await fixture('nopin.csv', 'user_id,sku,action,timestamp\nu1,p1,save,0\n')
    expect(await failure(() => events(path))).toBe(
      `[build:ingest] ${path}:1: header: missing required column 'pin_id' (columns: user_id, sku, action, timestamp; map one with --events-col pin_id=NAME)`
    )
    const boardsPath = await fixture('nopin-boards.csv', 'board_id,sku\nb1,p1\n')
    expect(await failure(() => boards(boardsPath))).toContain(
      'map one with --boards-col pin_id=NAME)'
    )
    const pinsPath = await fixture('notitle-pins.csv', 'pin_id,name\np1,x\n')
    expect(await failure(() => pins(pinsPath))).toContain(
      `${pinsPath}:1: header: missing required column 'title' (columns: pin_id, name; map one with --pins-col title=NAME)`
    )
  })

  it('fails when a mapped column is not in the header, even an optional one', async () => {
    const path = await fixture('mapped-missing.csv', 'board_id,pin_id\nb1,p1\n')
    expect(await failure(() => boards(path, { columns: { created_at: 'When' } }))).toBe(
      `[build:ingest] ${path}:1: header: missing column 'When' for created_at (columns: board_id, pin_id; map one with --boards-col created_at=NAME)`
    )
  })

  it('rejects a mapping for a field the kind does not have', async () => {
    const path = await fixture('wrong-kind.csv', 'board_id,pin_id\nb1,p1\n')
    const message = await failure(() => boards(path, { columns: { title: 'Name' } }))
    expect(message).toContain("--boards-col title=Name: boards have no field 'title'")
  })
})

describe('errors', () => {
  const eventsHeader = 'user_id,pin_id,action,timestamp\n'

  it('reports a missing file', async () => {
    const path = join(dir, 'nope.csv')
    expect(await failure(() => events(path))).toBe(`[build:ingest] ${path}: file not found`)
    expect(await failure(() => events(`${path}.gz`))).toBe(
      `[build:ingest] ${path}.gz: file not found`
    )
  })

  it('reports an empty file and a corrupt gzip', async () => {
    const empty = await fixture('empty.csv', '')
    expect(await failure(() => events(empty))).toBe(
      `[build:ingest] ${empty}:1: header: missing (the file is empty)`
    )
    const corrupt = await fixture('corrupt.csv.gz', 'not gzip at all')
    expect(await failure(() => events(corrupt))).toContain(`[build:ingest] ${corrupt}: gzip: `)
  })

  it('reports an unparseable timestamp with file:line: field', async () => {
    const path = await fixture('bad-ts.csv', `${eventsHeader}u1,p1,save,0\nu1,p2,save,yesterday\n`)
    expect(await failure(() => events(path))).toBe(
      `[build:ingest] ${path}:3: timestamp: cannot parse 'yesterday' as ISO-8601 or Unix time`
    )
  })

  it('reports an unparseable created_at', async () => {
    const path = await fixture('bad-created.csv', 'board_id,pin_id,created_at\nb1,p1,soon\n')
    expect(await failure(() => boards(path))).toBe(
      `[build:ingest] ${path}:2: created_at: cannot parse 'soon' as ISO-8601 or Unix time`
    )
  })

  it('reports empty required values', async () => {
    const cases: Array<[string, string]> = [
      [',p1,save,0', 'user_id'],
      ['u1,,save,0', 'pin_id'],
      ['u1,p1, ,0', 'action'],
      ['u1,p1,save,', 'timestamp'],
    ]
    for (const [row, field] of cases) {
      const path = await fixture(`empty-${field}.csv`, `${eventsHeader}\n${row}\n`)
      expect(await failure(() => events(path))).toBe(`[build:ingest] ${path}:3: ${field}: empty`)
    }
  })

  it('reports a wrong field count', async () => {
    const path = await fixture('short.csv', 'board_id,pin_id,created_at\nb1,p1,\nb2,p2\n')
    expect(await failure(() => boards(path))).toBe(
      `[build:ingest] ${path}:3: row: expected 3 fields, got 2`
    )
  })

  it('reports junk after a closing quote and an unterminated quote at the line they start', async () => {
    const junk = await fixture('junk.csv', 'pin_id,title\np1,"a"b\n')
    expect(await failure(() => pins(junk))).toBe(
      `[build:ingest] ${junk}:2: row: unexpected character after closing quote`
    )
    const open = await fixture('open.csv', 'pin_id,title\np1,ok\np2,"never\nclosed\n')
    expect(await failure(() => pins(open))).toBe(
      `[build:ingest] ${open}:3: row: unterminated quoted field`
    )
  })

  it('reports JSONL problems: invalid JSON, non-objects, missing and wrongly typed fields', async () => {
    const cases: Array<[string, string]> = [
      ['{"pin_id": "p1", ', 'row: invalid JSON ('],
      ['["p1","t"]', 'row: expected a JSON object'],
      ['{"title":"t"}', 'pin_id: missing'],
      ['{"pin_id":true,"title":"t"}', 'pin_id: expected a string or number, got boolean'],
    ]
    for (const [i, [line, expected]] of cases.entries()) {
      const path = await fixture(`bad-${i}.jsonl`, `{"pin_id":"ok","title":"t"}\n${line}\n`)
      expect(await failure(() => pins(path))).toContain(`[build:ingest] ${path}:2: ${expected}`)
    }
  })

  it('propagates an error thrown by the row callback', async () => {
    const path = await fixture('callback.csv', 'board_id,pin_id\nb1,p1\n')
    await expect(
      readBoards(path, () => {
        throw new Error('callback failed')
      })
    ).rejects.toThrow('callback failed')
  })
})

describe('skipBadRows', () => {
  it('counts every bad row under a reason, keeps five examples, and accounts for every row', async () => {
    const rows = [
      'u1,p1,save,2010-12-01T08:26:00Z', // 2 ok
      'u1,p2,save,yesterday', // 3
      'u1,,save,0', // 4
      'u1,p3,save', // 5
      '', // 6
      'u1,"p4"x,save,0', // 7
      'u2,p5,CLICK,0', // 8 ok
      'u3,p6,save,later', // 9
      'u4,p7,save,1,2', // 10
    ]
    const path = await fixture('mixed.csv', `user_id,pin_id,action,timestamp\n${rows.join('\n')}\n`)
    const { rows: got, report } = await events(path, { skipBadRows: true })
    expect(got.map((r) => r.pinId)).toEqual(['p1', 'p5'])
    expect(report.skipped).toEqual({
      'timestamp: unparseable': 2,
      'pin_id: empty': 1,
      'row: wrong field count': 2,
      'row: malformed quotes': 1,
      'empty line': 1,
    })
    expect(report.read).toBe(9)
    expect(report.used).toBe(2)
    expect(report.read).toBe(report.used + sumSkipped(report))
    expect(report.examples).toEqual([
      `${path}:3: timestamp: cannot parse 'yesterday' as ISO-8601 or Unix time`,
      `${path}:4: pin_id: empty`,
      `${path}:5: row: expected 4 fields, got 3`,
      `${path}:7: row: unexpected character after closing quote`,
      `${path}:9: timestamp: cannot parse 'later' as ISO-8601 or Unix time`,
    ])
  })

  it('skips bad JSONL lines and an unterminated CSV quote at the end', async () => {
    const jsonl = await fixture(
      'mixed.jsonl',
      '{"board_id":"b1","pin_id":"p1"}\nnot json\n{"board_id":"b2"}\n'
    )
    const a = await boards(jsonl, { skipBadRows: true })
    expect(a.rows).toEqual([{ boardId: 'b1', pinId: 'p1', createdAt: null }])
    expect(a.report.skipped).toEqual({ 'row: invalid JSON': 1, 'pin_id: missing': 1 })
    expect(a.report.read).toBe(a.report.used + sumSkipped(a.report))

    const csv = await fixture('tail.csv', 'board_id,pin_id\nb1,p1\nb2,"p2\n')
    const b = await boards(csv, { skipBadRows: true })
    expect(b.report).toEqual({
      file: csv,
      read: 2,
      used: 1,
      skipped: { 'row: unterminated quote': 1 },
      examples: [`${csv}:3: row: unterminated quoted field`],
    })
  })

  it('still fails on header problems', async () => {
    const path = await fixture('skip-header.csv', 'a,b\n1,2\n')
    expect(await failure(() => boards(path, { skipBadRows: true }))).toContain(
      `${path}:1: header: missing required column 'board_id'`
    )
  })
})
