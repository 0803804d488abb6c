/**
 * @module
 * `npm run bench -- cooc`: board co-occurrence against DuckDB (SQL self-join + group by + window
 * rank, top-50) on the same 1M-membership CSV, a check that both give the same raw-count top
 * lists, then the 10M-membership scale case (1M pins, 1M boards, Zipf board sizes) for
 * related-pins alone. Each measurement runs in its own child process so its peak RSS is its own.
 *
 * Flags: --skip-duckdb, --skip-scale, --dir DIR (inputs and outputs, default $TMPDIR/related-pins-bench).
 */

import { execFileSync, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { createWriteStream, existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { createRandom } from '../src/core/random'
import { computeBoardSources, DEFAULT_COOC_OPTIONS } from '../src/offline/board-graph'
import { cooccurRange, prepareTables } from '../src/offline/board-graph/cooccur'
import { buildGroups } from '../src/offline/board-graph/groups'
import { buildOptions, DEFAULT_BUILD_OPTIONS } from '../src/offline/config'
import { loadInputs } from '../src/offline/inputs'
import { createLogger } from '../src/offline/log'
import type { NeighbourLists } from '../src/offline/neighbour-lists'
import { mergeResults, writeDocSection } from './lib/results'

const SELF = fileURLToPath(import.meta.url)
const TOP = 50

type Shape = {
  rows: number
  boards: number
  pins: number
  sizeExponent: number
  pinExponent: number
  seed: number
}

/** The PLATFORM.md case: 1.0M memberships, 100k boards, 50k pins, ~240M ordered pairs. */
const SMALL: Shape = {
  rows: 1_000_000,
  boards: 100_000,
  pins: 50_000,
  sizeExponent: 0.685,
  pinExponent: 0.8,
  seed: 1,
}
/** The issue's scale case: 10M memberships, 1M boards, 1M pins. */
const SCALE: Shape = {
  rows: 10_000_000,
  boards: 1_000_000,
  pins: 1_000_000,
  sizeExponent: 0.8,
  pinExponent: 0.8,
  seed: 2,
}

/**
 * Board r (1-based) gets round(C · r^-a) memberships (at least 1), C chosen so they sum to about
 * `rows`: Zipf board sizes. Each membership's pin is drawn from a continuous power law of exponent
 * `pinExponent` over ranks, so pin popularity is Zipf-like too.
 */
async function writeInput(path: string, s: Shape): Promise<number> {
  let h = 0
  for (let r = 1; r <= s.boards; r++) {
    h += r ** -s.sizeExponent
  }
  const c = s.rows / h
  const random = createRandom(s.seed)
  const e = 1 - s.pinExponent
  const top = (s.pins + 1) ** e - 1
  const out = createWriteStream(path)
  let chunk = 'board_id,pin_id\n'
  let rows = 0
  for (let r = 1; r <= s.boards; r++) {
    const size = Math.max(1, Math.round(c * r ** -s.sizeExponent))
    for (let k = 0; k < size; k++) {
      const pin = Math.min(s.pins, Math.floor((top * random.next() + 1) ** (1 / e))) - 1
      chunk += `b${r},p${pin}\n`
      rows++
      if (chunk.length > 1 << 20) {
        if (!out.write(chunk)) {
          await once(out, 'drain')
        }
        chunk = ''
      }
    }
  }
  out.end(chunk)
  await once(out, 'finish')
  return rows
}

async function ensureInput(dir: string, name: string, s: Shape): Promise<string> {
  const path = join(
    dir,
    `${name}-${s.rows}-${s.boards}-${s.pins}-${s.sizeExponent}-${s.pinExponent}-${s.seed}.csv`
  )
  if (!existsSync(path)) {
    console.error(`[bench:cooc] writing ${path}`)
    await writeInput(path, s)
  }
  return path
}

type ChildResult = { wallS: number; peakMiB: number; [key: string]: unknown }

/** Run this file in a fresh Node process in `mode`; it prints one JSON line on stdout. */
function child(mode: string, args: string[]): ChildResult {
  const res = spawnSync(process.execPath, ['--import', 'tsx', SELF, '--child', mode, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 26,
  })
  if (res.status !== 0) {
    throw new Error(`bench cooc: child '${mode}' failed with status ${res.status}`)
  }
  return JSON.parse(res.stdout.trim().split('\n').pop()!) as ChildResult
}

const peakMiB = (): number => Math.round(process.resourceUsage().maxRSS / 1024)

/** Top lists as "pin,neighbour,count" lines, for the comparison with DuckDB. */
async function writeTop(path: string, lines: string[]): Promise<void> {
  await writeFile(path, `${lines.join('\n')}\n`)
}

/** Raw counts, no cap, no pruning: the exact thing the SQL computes, on the build's own code. */
async function childRaw(file: string, out: string): Promise<ChildResult> {
  const start = performance.now()
  const inputs = await loadInputs(
    { boards: file },
    { skipBadRows: false, columns: { boards: {}, events: {}, pins: {} } },
    createLogger({ silent: true })
  )
  const b = inputs.boards!
  const pinCount = inputs.pins.size
  const { groups } = buildGroups(b.board, b.pin, b.boards.size, {
    maxGroupSize: Number.MAX_SAFE_INTEGER,
    seed: 1,
  })
  const tables = prepareTables(groups, pinCount, { topN: TOP, scoring: 'raw' })
  // Keep the counts themselves rather than the row-normalised scores.
  tables.rowNormalised = false
  const pairUpdates = cooccurRange(tables, 0, pinCount)
  const wallS = (performance.now() - start) / 1000
  const lines: string[] = []
  const ids = inputs.pins.ids
  for (let i = 0; i < pinCount; i++) {
    for (let r = 0; r < tables.lists.counts[i]!; r++) {
      lines.push(
        `${ids[i]},${ids[tables.lists.indices[i * TOP + r]!]},${tables.lists.scores[i * TOP + r]}`
      )
    }
  }
  await writeTop(out, lines)
  return { wallS, peakMiB: peakMiB(), pairUpdates }
}

/** The build's board stage with default options (cap, pruning, default scoring, walks), from the CSV. */
async function childFull(file: string): Promise<ChildResult> {
  const start = performance.now()
  const log = createLogger({ silent: true })
  const inputs = await loadInputs(
    { boards: file },
    { skipBadRows: false, columns: { boards: {}, events: {}, pins: {} } },
    log
  )
  const ingestS = (performance.now() - start) / 1000
  const b = inputs.boards!
  const result = await computeBoardSources(
    { board: b.board, pin: b.pin, boardCount: b.boards.size },
    inputs.pins.size,
    { ...DEFAULT_BUILD_OPTIONS, topN: TOP, seed: 42 },
    log
  )
  const wallS = (performance.now() - start) / 1000
  return {
    wallS,
    peakMiB: peakMiB(),
    ingestS,
    stages: result.timings,
    rows: b.pin.length,
    pins: inputs.pins.size,
    stats: result.stats,
  }
}

/** The part of @duckdb/node-api used here (it is not a project dependency, so no types from it). */
type DuckDb = {
  DuckDBInstance: {
    create(path: string): Promise<{ connect(): Promise<{ run(sql: string): Promise<unknown> }> }>
  }
  version(): string
}

/** DuckDB installed on demand into the bench directory, never as a project dependency. */
async function loadDuckdb(dir: string): Promise<DuckDb> {
  const prefix = join(dir, 'duckdb')
  const entry = join(prefix, 'node_modules', '@duckdb', 'node-api', 'package.json')
  if (!existsSync(entry)) {
    console.error(`[bench:cooc] npm install --no-save @duckdb/node-api into ${prefix}`)
    await mkdir(prefix, { recursive: true })
    execFileSync(
      'npm',
      ['install', '--no-save', '--no-package-lock', '--prefix', prefix, '@duckdb/node-api'],
      { stdio: 'inherit' }
    )
  }
  const pkg = JSON.parse(await readFile(entry, 'utf8')) as { main?: string }
  return (await import(
    pathToFileURL(join(prefix, 'node_modules', '@duckdb', 'node-api', pkg.main ?? 'index.js')).href
  )) as DuckDb
}

async function childDuckdb(file: string, out: string, dir: string): Promise<ChildResult> {
  const duckdb = await loadDuckdb(dir)
  const start = performance.now()
  const instance = await duckdb.DuckDBInstance.create(':memory:')
  const db = await instance.connect()
  await db.run(
    `CREATE TABLE m AS SELECT DISTINCT board_id, pin_id FROM read_csv('${file}', header = true, columns = {'board_id': 'VARCHAR', 'pin_id': 'VARCHAR'})`
  )
  await db.run(`COPY (
    SELECT i, j, c FROM (
      SELECT i, j, c, row_number() OVER (PARTITION BY i ORDER BY c DESC, j) AS r
      FROM (SELECT a.pin_id AS i, b.pin_id AS j, count(*) AS c FROM m a JOIN m b ON a.board_id = b.board_id AND a.pin_id <> b.pin_id GROUP BY 1, 2)
    ) WHERE r <= ${TOP}
  ) TO '${out}' (HEADER false)`)
  const wallS = (performance.now() - start) / 1000
  return { wallS, peakMiB: peakMiB(), version: duckdb.version() }
}

/**
 * Same raw-count top lists, up to the order of ties: for every pin the count sequences are equal,
 * and the neighbours counted strictly above the list's last count are the same set.
 */
export async function compareTop(
  oursPath: string,
  duckPath: string
): Promise<{ pins: number; identical: boolean; mismatches: string[] }> {
  const read = async (path: string): Promise<Map<string, [string, number][]>> => {
    const byPin = new Map<string, [string, number][]>()
    for (const line of (await readFile(path, 'utf8')).split('\n')) {
      if (line === '') {
        continue
      }
      const [i, j, c] = line.split(',') as [string, string, string]
      const list = byPin.get(i) ?? []
      list.push([j, Number(c)])
      byPin.set(i, list)
    }
    return byPin
  }
  const ours = await read(oursPath)
  const duck = await read(duckPath)
  const mismatches: string[] = []
  for (const pin of new Set([...ours.keys(), ...duck.keys()])) {
    const a = ours.get(pin) ?? []
    const b = duck.get(pin) ?? []
    const counts = (l: [string, number][]) =>
      l
        .map(([, c]) => c)
        .sort((x, y) => y - x)
        .join(' ')
    const last = b.length ? Math.min(...b.map(([, c]) => c)) : 0
    const above = (l: [string, number][]) =>
      l
        .filter(([, c]) => c > last)
        .map(([j]) => j)
        .sort()
        .join(' ')
    if (counts(a) !== counts(b) || above(a) !== above(b)) {
      mismatches.push(pin)
    }
  }
  return {
    pins: duck.size,
    identical: mismatches.length === 0,
    mismatches: mismatches.slice(0, 10),
  }
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'skip-duckdb': { type: 'boolean' },
      'skip-scale': { type: 'boolean' },
      dir: { type: 'string' },
      engines: { type: 'boolean' },
    },
  })
  const dir = values.dir ?? join(tmpdir(), 'related-pins-bench')
  await mkdir(dir, { recursive: true })
  if (values.engines) {
    await runEngines(dir)
    return
  }
  const small = await ensureInput(dir, 'cooc', SMALL)
  console.error('[bench:cooc] related-pins raw counts (no cap, no pruning) on 1M memberships')
  const raw = child('raw', [small, join(dir, 'ours-top.csv')])
  console.error(`[bench:cooc]   ${raw.wallS.toFixed(1)} s, ${raw.peakMiB} MiB`)
  console.error(
    '[bench:cooc] related-pins default board stage (cap, pruning, default scoring, walks) on 1M memberships'
  )
  const full = child('full', [small])
  console.error(`[bench:cooc]   ${full.wallS.toFixed(1)} s, ${full.peakMiB} MiB`)
  let duck: ChildResult | null = null
  let check: Awaited<ReturnType<typeof compareTop>> | null = null
  if (!values['skip-duckdb']) {
    console.error('[bench:cooc] DuckDB self-join + group by + window rank on the same file')
    duck = child('duckdb', [small, join(dir, 'duck-top.csv'), dir])
    console.error(`[bench:cooc]   ${duck.wallS.toFixed(1)} s, ${duck.peakMiB} MiB`)
    check = await compareTop(join(dir, 'ours-top.csv'), join(dir, 'duck-top.csv'))
    console.error(
      `[bench:cooc]   top-${TOP} raw-count lists identical: ${check.identical} (${check.pins} pins)`
    )
  }
  let scale: ChildResult | null = null
  if (!values['skip-scale']) {
    const big = await ensureInput(dir, 'cooc', SCALE)
    console.error('[bench:cooc] related-pins default board stage on 10M memberships')
    scale = child('full', [big])
    console.error(`[bench:cooc]   ${scale.wallS.toFixed(1)} s, ${scale.peakMiB} MiB`)
  }
  const result = {
    wallS: round(full.wallS),
    rawWallS: round(raw.wallS),
    peakMiB: full.peakMiB,
    duckdbWallS: duck ? round(duck.wallS) : null,
    duckdbPeakMiB: duck?.peakMiB ?? null,
    duckdbVersion: duck?.version ?? null,
    ratioVsDuckdb: duck ? round(duck.wallS / full.wallS) : null,
    rawRatioVsDuckdb: duck ? round(duck.wallS / raw.wallS) : null,
    sameTopLists: check?.identical ?? null,
    scale: scale
      ? {
          rows: scale.rows as number,
          pins: scale.pins as number,
          wallS: round(scale.wallS),
          peakMiB: scale.peakMiB,
          ingestS: round(scale.ingestS as number),
          stages: scale.stages,
        }
      : null,
  }
  await mergeResults('cooc', result)
  await writeDocSection(
    'Board co-occurrence (`npm run bench -- cooc`)',
    docSection(result, full, scale)
  )
  console.log(JSON.stringify(result, null, 2))
}

const round = (x: number): number => Math.round(x * 100) / 100

function docSection(
  r: Record<string, unknown> & { scale: { rows: number; wallS: number; peakMiB: number } | null },
  full: ChildResult,
  scale: ChildResult | null
): string {
  const stats = (c: ChildResult | null) =>
    c
      ? (c.stats as {
          pairUpdates: number
          threads: number
          pruning: Record<string, number>
          walk: { queries: number } | null
        })
      : null
  const fs = stats(full)
  const ss = stats(scale)
  return `Measured ${new Date().toISOString().slice(0, 10)}. Inputs are generated by bench/cooc.ts: Zipf board
sizes (board r has ~C·r^-a pins) and Zipf-like pin popularity. Each row runs in its own process
(peak = that process's max RSS). "default" is the build's whole board stage from the CSV: streaming
ingest, 1000-pin board cap, diversity pruning, ${DEFAULT_COOC_OPTIONS.scoring} scoring on ${fs?.threads ?? '?'} thread(s), random walks.

| case | related-pins | DuckDB ${r.duckdbVersion ?? ''} | ratio |
|---|---|---|---|
| 1M memberships, 100k boards, 50k pins: raw counts, no cap (same output as the SQL) | ${r.rawWallS} s | ${r.duckdbWallS ?? '–'} s, ${r.duckdbPeakMiB ?? '–'} MiB | ${r.rawRatioVsDuckdb ?? '–'}× |
| same input, default board stage | ${r.wallS} s, ${r.peakMiB} MiB | | ${r.ratioVsDuckdb ?? '–'}× |
| 10M memberships, 1M boards, 1M pins (a = ${SCALE.sizeExponent}), default board stage | ${r.scale ? `${r.scale.wallS} s, ${r.scale.peakMiB} MiB` : '–'} | | |

Raw-count top-${TOP} lists identical to DuckDB's (up to the order of ties): **${r.sameTopLists ?? 'not checked'}**.
1M default: ${fs ? `${fs.pairUpdates.toLocaleString('en')} pair updates, pruning ${JSON.stringify(fs.pruning)}, ${fs.walk?.queries ?? 0} pins walked` : ''}.
10M stages (s): ${scale ? JSON.stringify(scale.stages) : '–'}, ingest ${scale ? round(scale.ingestS as number) : '–'} s${ss ? `; ${ss.pairUpdates.toLocaleString('en')} pair updates on ${ss.threads} threads, ${ss.walk?.queries ?? 0} pins walked` : ''}.`
}

/**
 * The build's board stage (defaults, walks off) on one engine, `--engine node|duckdb`, with the
 * top-20 candidate ids of every pin written to `out` for the comparison of the two engines.
 */
async function childEngine(
  file: string,
  engine: string,
  memoryLimit: string,
  out: string
): Promise<ChildResult> {
  const log = createLogger({ silent: true })
  const options = buildOptions({ walk: { minCooc: 0 } })
  const inputs = await loadInputs({ boards: file }, options.ingest, log)
  const b = inputs.boards!
  const start = performance.now()
  let lists: NeighbourLists
  let stats: Record<string, unknown> = {}
  if (engine === 'duckdb') {
    const { duckdbSources } = await import('../src/offline/engines/duckdb/stages')
    const duck = await duckdbSources(
      inputs,
      options,
      { memoryLimit: memoryLimit || undefined },
      log
    )
    lists = duck.cooc!
    stats = { prunedMemberships: duck.prunedMemberships, version: duck.version }
  } else {
    const result = await computeBoardSources(
      {
        board: b.board,
        pin: b.pin,
        boardCount: b.boards.size,
        pinIds: inputs.pins.ids,
        boardIds: b.boards.ids,
      },
      inputs.pins.size,
      options,
      log
    )
    lists = result.cooc
    stats = { pairUpdates: result.stats.pairUpdates, threads: result.stats.threads }
  }
  const wallS = (performance.now() - start) / 1000
  const ids = inputs.pins.ids
  const lines: string[] = []
  for (let i = 0; i < ids.length; i++) {
    const row: string[] = []
    for (let r = 0; r < Math.min(20, lists.counts[i]!); r++) {
      row.push(ids[lists.indices[i * lists.topN + r]!]!)
    }
    lines.push(`${ids[i]},${row.sort().join(' ')}`)
  }
  await writeTop(out, lines)
  return { wallS, peakMiB: peakMiB(), rows: b.pin.length, pins: ids.length, ...stats }
}

/** Share of pins whose top-20 id sets are equal in two childEngine outputs. */
async function compareEngineTop(a: string, b: string): Promise<{ pins: number; share: number }> {
  const read = async (p: string) => (await readFile(p, 'utf8')).split('\n').filter((l) => l !== '')
  const x = await read(a)
  const y = new Set(await read(b))
  let pins = 0
  let same = 0
  for (const line of x) {
    if (line.endsWith(',')) {
      continue
    }
    pins++
    same += y.has(line) ? 1 : 0
  }
  return { pins, share: pins === 0 ? 1 : same / pins }
}

/** `--engines`: the node and DuckDB engines on 1M and 10M memberships, and DuckDB in 2 GiB. */
async function runEngines(dir: string): Promise<void> {
  const cases: { name: string; shape: Shape; memory: string }[] = [
    // 6 GiB keeps the machine's other users (and the 9 GiB budget of a shared box) safe.
    { name: '1M', shape: SMALL, memory: '6GiB' },
    { name: '10M', shape: SCALE, memory: '6GiB' },
    { name: '10M', shape: SCALE, memory: '2GiB' },
  ]
  const rows: Record<string, unknown>[] = []
  for (const c of cases) {
    const file = await ensureInput(dir, 'cooc', c.shape)
    const nodeOut = join(dir, `engine-node-${c.name}.txt`)
    if (c.memory !== '2GiB' || !existsSync(nodeOut)) {
      console.error(
        `[bench:cooc] node engine, default board stage (walks off), ${c.name} memberships`
      )
      const node = child('engine', [file, 'node', '', nodeOut])
      console.error(`[bench:cooc]   ${node.wallS.toFixed(1)} s, ${node.peakMiB} MiB`)
      rows.push({ case: c.name, engine: 'node', wallS: round(node.wallS), peakMiB: node.peakMiB })
    }
    const duckOut = join(dir, `engine-duckdb-${c.name}${c.memory}.txt`)
    console.error(
      `[bench:cooc] DuckDB engine (sql/), ${c.name} memberships, memory_limit ${c.memory || 'default'}`
    )
    const duck = child('engine', [file, 'duckdb', c.memory, duckOut])
    const same = await compareEngineTop(nodeOut, duckOut)
    console.error(
      `[bench:cooc]   ${duck.wallS.toFixed(1)} s, ${duck.peakMiB} MiB, top-20 identical ${(same.share * 100).toFixed(3)}%`
    )
    rows.push({
      case: c.name,
      engine: 'duckdb',
      memoryLimit: c.memory || null,
      wallS: round(duck.wallS),
      peakMiB: duck.peakMiB,
      top20Identical: same.share,
      pins: same.pins,
      version: duck.version,
    })
    await mergeResults('coocEngines', { runs: rows })
  }
  console.log(JSON.stringify(rows, null, 2))
}

async function childMain(args: string[]): Promise<void> {
  const [mode, ...rest] = args
  const result =
    mode === 'engine'
      ? await childEngine(rest[0]!, rest[1]!, rest[2] ?? '', rest[3]!)
      : mode === 'raw'
        ? await childRaw(rest[0]!, rest[1]!)
        : mode === 'full'
          ? await childFull(rest[0]!)
          : await childDuckdb(rest[0]!, rest[1]!, rest[2]!)
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

if (process.argv[1] === SELF && process.argv[2] === '--child') {
  childMain(process.argv.slice(3)).catch((err: unknown) => {
    console.error(err)
    process.exitCode = 1
  })
}
