/**
 * @module
 * `npm run bench -- cooc`: board co-occurrence against DuckDB (SQL self-join + group by + window
 * rank, top-50) on the same 1M-membership CSV, a check that both give the same raw-count top
 * lists, then the 10M-membership scale case (1M pins, 1M boards, Zipf board sizes) for
 * related-pins alone. Each measurement runs in its own child process so its peak RSS is its own.
 *
 * Flags: --skip-duckdb, --skip-scale, --dir DIR (inputs and outputs, default $TMPDIR/related-pins-bench).
 * `--engines`: the build's board stage on the node and DuckDB engines (see runEngines).
 * `--boards PATH`: the raw task (counts, top-50, no cap or pruning) on node and on plain DuckDB SQL,
 * and the node engine's default board stage with its pruning statistics, on a given boards file
 * (e.g. a generated world's topical boards); each run under `/usr/bin/time -v`. DuckDB runs with
 * `--duckdb-memory` (default 4GiB) and spills to DIR; a run longer than `--duckdb-timeout-min`
 * (default 25) is interrupted and reported with the progress it reached.
 */

import { spawnSync } from 'node:child_process'
import { once } from 'node:events'
import {
  createWriteStream,
  existsSync,
  readdirSync,
  rmSync,
  statSync,
  type WriteStream,
} from 'node:fs'
import { appendFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { DuckDBInstance, version as duckdbVersion } from '@duckdb/node-api'
import { createRandom } from '../src/core/random'
import { computeBoardSources, DEFAULT_COOC_OPTIONS } from '../src/offline/board-graph'
import { cooccurRange, prepareTables } from '../src/offline/board-graph/cooccur'
import { buildGroups } from '../src/offline/board-graph/groups'
import { buildOptions, DEFAULT_BUILD_OPTIONS } from '../src/offline/config'
import { coocPasses } from '../src/offline/engines/sql-stages'
import { loadInputs } from '../src/offline/inputs'
import { createLogger } from '../src/offline/log'
import { parseBytes } from '../src/offline/memory'
import type { NeighbourLists } from '../src/offline/neighbour-lists'
import { machine, mergeResults, writeDocSection } from './lib/results'

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

type ChildOptions = {
  /** Run under `/usr/bin/time -v` and add its wall time and peak RSS (outerWallS, outerPeakMiB). */
  timed?: boolean
  /** Kill the child after this many seconds and return null (it is not run under time then). */
  timeoutS?: number
}

/** Run this file in a fresh Node process in `mode`; it prints one JSON line on stdout. */
function child(mode: string, args: string[], options: ChildOptions = {}): ChildResult | null {
  const node = [process.execPath, '--import', 'tsx', SELF, '--child', mode, ...args]
  const [cmd, ...cmdArgs] = options.timed ? ['/usr/bin/time', '-v', ...node] : node
  const res = spawnSync(cmd!, cmdArgs, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', options.timed ? 'pipe' : 'inherit'],
    maxBuffer: 1 << 26,
    ...(options.timeoutS
      ? { timeout: options.timeoutS * 1000, killSignal: 'SIGKILL' as const }
      : {}),
  })
  if (options.timed) {
    process.stderr.write(res.stderr)
  }
  if (res.error && (res.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
    console.error(`[bench:cooc]   child '${mode}' stopped after ${options.timeoutS} s`)
    return null
  }
  if (res.status !== 0) {
    throw new Error(`bench cooc: child '${mode}' failed with status ${res.status}`)
  }
  const result = JSON.parse(res.stdout.trim().split('\n').pop()!) as ChildResult
  if (options.timed) {
    const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)/.exec(res.stderr)?.[1]
    const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(res.stderr)?.[1]
    result.outerWallS = wall
      ? round(
          wall
            .split(':')
            .map(Number)
            .reduce((a, x) => a * 60 + x, 0)
        )
      : null
    result.outerPeakMiB = rss ? Math.round(Number(rss) / 1024) : null
  }
  return result
}

/** child() for runs that cannot time out. */
function mustChild(mode: string, args: string[], options: ChildOptions = {}): ChildResult {
  return child(mode, args, options)!
}

const peakMiB = (): number => Math.round(process.resourceUsage().maxRSS / 1024)

/** Top lists as "pin,neighbour,count" lines, for the comparison with DuckDB. */
async function writeTop(path: string, lines: string[]): Promise<void> {
  await writeFile(path, `${lines.join('\n')}\n`)
}

/** Write lines in 1 MiB chunks: at 1M pins × 50 neighbours one string would not fit V8's limit. */
async function writeChunk(out: WriteStream, chunk: string): Promise<void> {
  if (!out.write(chunk)) {
    await once(out, 'drain')
  }
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
  const ids = inputs.pins.ids
  const stream = createWriteStream(out)
  let chunk = ''
  for (let i = 0; i < pinCount; i++) {
    for (let r = 0; r < tables.lists.counts[i]!; r++) {
      chunk += `${ids[i]},${ids[tables.lists.indices[i * TOP + r]!]},${tables.lists.scores[i * TOP + r]}\n`
    }
    if (chunk.length > 1 << 20) {
      await writeChunk(stream, chunk)
      chunk = ''
    }
  }
  stream.end(chunk)
  await once(stream, 'finish')
  return { wallS, peakMiB: peakMiB(), pairUpdates, rows: b.pin.length, pins: pinCount }
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

/** Bytes under `dir` (DuckDB's spill files), in MiB; 0 if it does not exist. */
function dirMiB(dir: string): number {
  if (!existsSync(dir)) {
    return 0
  }
  let bytes = 0
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      bytes += statSync(join(entry.parentPath, entry.name)).size
    }
  }
  return Math.round(bytes / 2 ** 20)
}

/** Spill ceiling of the raw DuckDB run; DuckDB's own max_temp_directory_size is set too. */
const MAX_SPILL_MIB = 20 * 1024

type DuckRawOptions = { memoryLimit: string; tempDirectory: string; timeoutS: number }

/**
 * Plain SQL on DuckDB: self-join on board, group by pair, window rank, top-50. With a memory
 * limit it runs in passes over the pins, as `--engine duckdb` runs sql/board-cooc.sql (pass p of P
 * takes the pins with hash(pin_id) % P = p; P from the pair count, `coocPasses`), each pass's top
 * lists appended to `out`; above the limit it spills to `tempDirectory`. After `timeoutS` the
 * query is interrupted and the result says how far DuckDB's own progress got.
 */
async function childDuckdb(
  file: string,
  out: string,
  options: DuckRawOptions
): Promise<ChildResult> {
  const start = performance.now()
  const config: Record<string, string> = { preserve_insertion_order: 'false' }
  if (options.memoryLimit) {
    config.memory_limit = options.memoryLimit
    config.temp_directory = options.tempDirectory
    // DuckDB's default allows 90% of the free disk: on a shared machine, bound it.
    config.max_temp_directory_size = '20GiB'
  }
  const instance = await DuckDBInstance.create(':memory:', config)
  const db = await instance.connect()
  // The progress bar setting is what makes DuckDB track query progress at all; printing stays off.
  await db.run('SET enable_progress_bar = true')
  await db.run('SET enable_progress_bar_print = false')
  let phase = 'load'
  let reached = -1
  let interrupted = false
  let spillMiB = 0
  let stoppedBy = `timeout ${options.timeoutS} s`
  const progress = setInterval(() => {
    const pct = db.progress.percentage
    reached = Math.max(reached, pct)
    spillMiB = Math.max(spillMiB, dirMiB(options.tempDirectory))
    // max_temp_directory_size was not honoured in a 10M run (29 GiB spilled at 25 GiB): stop here
    // before a shared disk fills.
    if (spillMiB > MAX_SPILL_MIB && !interrupted) {
      interrupted = true
      stoppedBy = `spill above ${MAX_SPILL_MIB} MiB`
      db.interrupt()
    }
    const s = ((performance.now() - start) / 1000).toFixed(0)
    console.error(
      `[bench:cooc]   duckdb ${phase} ${pct >= 0 ? pct.toFixed(1) : '…'}% after ${s} s, ${spillMiB} MiB spilled`
    )
  }, 15_000)
  // setTimeout treats delays above 2^31 - 1 ms as 1 ms, so "no timeout" sets none.
  const timeout = Number.isFinite(options.timeoutS)
    ? setTimeout(() => {
        interrupted = true
        db.interrupt()
      }, options.timeoutS * 1000)
    : undefined
  let error: string | null = null
  let loadS = 0
  let pairs = 0
  let passes = 0
  try {
    await db.run(
      `CREATE TABLE m AS SELECT DISTINCT board_id, pin_id FROM read_csv('${file}', header = true, types = {'board_id': 'VARCHAR', 'pin_id': 'VARCHAR'})`
    )
    loadS = (performance.now() - start) / 1000
    // Pair updates: Σ over boards of n(n − 1), what one pass would hold.
    const counted = await db.runAndReadAll(
      'SELECT COALESCE(SUM(n * (n - 1)), 0)::DOUBLE FROM (SELECT COUNT(*) AS n FROM m GROUP BY board_id)'
    )
    pairs = Number(counted.getRows()[0]![0])
    passes = coocPasses(pairs, parseBytes(options.memoryLimit))
    await writeFile(out, '')
    for (let pass = 0; pass < passes; pass++) {
      phase = `pairs (pass ${pass + 1}/${passes})`
      reached = -1
      const part = passes > 1 ? `WHERE hash(a.pin_id) % ${passes} = ${pass}` : ''
      const passOut = `${out}.pass`
      await db.run(`COPY (
    SELECT i, j, c FROM (
      SELECT i, j, c, row_number() OVER (PARTITION BY i ORDER BY c DESC, j) AS r
      FROM (SELECT a.pin_id AS i, b.pin_id AS j, count(*) AS c FROM m a JOIN m b ON a.board_id = b.board_id AND a.pin_id <> b.pin_id ${part} GROUP BY 1, 2)
    ) WHERE r <= ${TOP}
  ) TO '${passOut}' (HEADER false)`)
      await appendFile(out, await readFile(passOut))
      await rm(passOut)
    }
  } catch (err) {
    error = err instanceof Error ? err.message : String(err)
  } finally {
    clearInterval(progress)
    clearTimeout(timeout)
  }
  const wallS = (performance.now() - start) / 1000
  return {
    wallS,
    peakMiB: peakMiB(),
    version: duckdbVersion(),
    memoryLimit: options.memoryLimit || null,
    finished: error === null,
    interrupted,
    stoppedBy: interrupted ? stoppedBy : null,
    error,
    phase,
    loadS,
    reachedPercent: reached,
    spillMiB,
    pairUpdates: pairs,
    passes,
  }
}

/**
 * Whether two CSV files hold the same lines in any order: each sorted by GNU sort (bytewise,
 * LC_ALL=C, on disk, so any size) and compared byte for byte by cmp. Stronger than compareTop
 * (ties included), and it holds neither file in memory. null when sort or cmp fails to run.
 */
export function sameLinesSorted(a: string, b: string, tmp: string): boolean | null {
  const env = { ...process.env, LC_ALL: 'C' }
  const sorted = [a, b].map((path, i) => {
    const out = join(tmp, `sorted-${i}-${basename(path)}`)
    const r = spawnSync('sort', ['-S', '2G', '-T', tmp, '-o', out, path], { env, stdio: 'inherit' })
    return r.status === 0 ? out : null
  })
  if (!sorted[0] || !sorted[1]) {
    return null
  }
  const cmp = spawnSync('cmp', ['-s', sorted[0], sorted[1]])
  for (const path of sorted) {
    rmSync(path!, { force: true })
  }
  return cmp.status === 0 ? true : cmp.status === 1 ? false : null
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
      boards: { type: 'string' },
      'duckdb-memory': { type: 'string' },
      'duckdb-timeout-min': { type: 'string' },
      'engine-cases': { type: 'string' },
    },
  })
  const dir = values.dir ?? join(tmpdir(), 'related-pins-bench')
  await mkdir(dir, { recursive: true })
  const timeoutS = Number(values['duckdb-timeout-min'] ?? 25) * 60
  if (values.engines) {
    await runEngines(dir, timeoutS, values['engine-cases']?.split(','))
    return
  }
  if (values.boards) {
    await runBoards(dir, values.boards, {
      memoryLimit: values['duckdb-memory'] ?? '4GiB',
      tempDirectory: join(dir, 'duckdb-spill'),
      timeoutS,
    })
    return
  }
  const small = await ensureInput(dir, 'cooc', SMALL)
  console.error('[bench:cooc] related-pins raw counts (no cap, no pruning) on 1M memberships')
  const raw = mustChild('raw', [small, join(dir, 'ours-top.csv')])
  console.error(`[bench:cooc]   ${raw.wallS.toFixed(1)} s, ${raw.peakMiB} MiB`)
  console.error(
    '[bench:cooc] related-pins default board stage (cap, pruning, default scoring, walks) on 1M memberships'
  )
  const full = mustChild('full', [small])
  console.error(`[bench:cooc]   ${full.wallS.toFixed(1)} s, ${full.peakMiB} MiB`)
  let duck: ChildResult | null = null
  let check: Awaited<ReturnType<typeof compareTop>> | null = null
  if (!values['skip-duckdb']) {
    console.error('[bench:cooc] DuckDB self-join + group by + window rank on the same file')
    duck = mustChild('duckdb', [small, join(dir, 'duck-top.csv'), '', dir, '0'])
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
    scale = mustChild('full', [big])
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
  out: string,
  tempDirectory: string
): Promise<ChildResult> {
  // DuckDB's progress lines on stderr, so a run that is stopped shows how far it got.
  const log = createLogger({ silent: engine !== 'duckdb', tty: false, intervalMs: 30_000 })
  const options = buildOptions({ walk: { minCooc: 0 } })
  const inputs = await loadInputs({ boards: file }, options.ingest, log)
  const b = inputs.boards!
  const start = performance.now()
  let lists: NeighbourLists
  let stats: Record<string, unknown> = {}
  if (engine === 'duckdb') {
    const { duckdbSources } = await import('../src/offline/engines/duckdb/stages')
    let duck: Awaited<ReturnType<typeof duckdbSources>>
    try {
      duck = await duckdbSources(
        inputs,
        options,
        { memoryLimit: memoryLimit || undefined, tempDirectory },
        log
      )
    } catch (err) {
      // A failed run (e.g. DuckDB out of memory under its limit) is a result too.
      const error = (err instanceof Error ? err.message : String(err)).split('\n')[0]
      return { wallS: (performance.now() - start) / 1000, peakMiB: peakMiB(), failed: true, error }
    }
    lists = duck.cooc!
    stats = {
      prunedMemberships: duck.prunedMemberships,
      version: duck.version,
      coocPasses: duck.coocPasses,
    }
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

/**
 * `--engines`: the node and DuckDB engines on 1M and 10M memberships, and DuckDB out of core in
 * 2 GiB. A DuckDB run longer than `timeoutS` is killed and recorded as not finished.
 */
async function runEngines(dir: string, timeoutS: number, only?: string[]): Promise<void> {
  const all: { name: string; shape: Shape; memory: string }[] = [
    // 6 GiB at 1M keeps the process under the 7 GiB a shared box allows one engineer. At 10M the
    // node side holds the ingested memberships too (1.4 GiB in the node engine's run), and DuckDB's
    // RSS runs above its memory_limit, so 6 GiB would pass 7 GiB: 4 GiB there.
    { name: '1M', shape: SMALL, memory: '6GiB' },
    { name: '10M', shape: SCALE, memory: '4GiB' },
    { name: '10M', shape: SCALE, memory: '2GiB' },
  ]
  // `--engine-cases 10M:2GiB,...` runs only those (memberships:memory_limit).
  const cases = only ? all.filter((c) => only.includes(`${c.name}:${c.memory}`)) : all
  const loadAtStart = loadavg()
  const rows: Record<string, unknown>[] = []
  const spill = join(dir, 'duckdb-spill')
  await mkdir(spill, { recursive: true })
  for (const c of cases) {
    const file = await ensureInput(dir, 'cooc', c.shape)
    const nodeOut = join(dir, `engine-node-${c.name}.txt`)
    if (!rows.some((r) => r.case === c.name && r.engine === 'node')) {
      console.error(
        `[bench:cooc] node engine, default board stage (walks off), ${c.name} memberships`
      )
      const node = mustChild('engine', [file, 'node', '', nodeOut, spill])
      console.error(`[bench:cooc]   ${node.wallS.toFixed(1)} s, ${node.peakMiB} MiB`)
      rows.push({
        case: c.name,
        engine: 'node',
        wallS: round(node.wallS),
        peakMiB: node.peakMiB,
        rows: node.rows,
        pairUpdates: node.pairUpdates,
        threads: node.threads,
      })
    }
    const duckOut = join(dir, `engine-duckdb-${c.name}${c.memory}.txt`)
    console.error(
      `[bench:cooc] DuckDB engine (sql/), ${c.name} memberships, memory_limit ${c.memory || 'default'}`
    )
    const duck = child('engine', [file, 'duckdb', c.memory, duckOut, spill], { timeoutS })
    // A killed run leaves its spill files behind.
    await rm(spill, { recursive: true, force: true })
    await mkdir(spill, { recursive: true })
    if (!duck || duck.failed) {
      rows.push({
        case: c.name,
        engine: 'duckdb',
        memoryLimit: c.memory || null,
        finished: false,
        ...(duck
          ? { failedAfterS: round(duck.wallS), peakMiB: duck.peakMiB, error: duck.error }
          : { stoppedAfterS: timeoutS }),
      })
    } else {
      const same = await compareEngineTop(nodeOut, duckOut)
      console.error(
        `[bench:cooc]   ${duck.wallS.toFixed(1)} s, ${duck.peakMiB} MiB, top-20 identical ${(same.share * 100).toFixed(3)}%`
      )
      rows.push({
        case: c.name,
        engine: 'duckdb',
        memoryLimit: c.memory || null,
        finished: true,
        wallS: round(duck.wallS),
        peakMiB: duck.peakMiB,
        top20Identical: same.share,
        pins: same.pins,
        version: duck.version,
        coocPasses: duck.coocPasses,
      })
    }
    await mergeResults('coocEngines', { runs: rows })
    await writeDocSection(ENGINES_TITLE, enginesSection(rows, loadAtStart, only))
  }
  console.log(JSON.stringify(rows, null, 2))
}

const ENGINES_TITLE = 'Board co-occurrence engines (`npm run bench -- cooc --engines`)'

function enginesSection(
  rows: Record<string, unknown>[],
  loadAtStart: string,
  only?: string[]
): string {
  const table = rows.map((r) => {
    const what =
      r.engine === 'node'
        ? `node, ${r.threads} thread(s), ${Number(r.pairUpdates).toLocaleString('en')} pair updates`
        : `DuckDB ${r.version ?? ''} (sql/), memory_limit ${r.memoryLimit}${r.coocPasses ? `, ${r.coocPasses} pass(es) over the pins` : ''}`
    const result =
      r.finished === false
        ? r.error
          ? `not finished: failed after ${r.failedAfterS} s, ${r.peakMiB} MiB: ${r.error}`
          : `not finished: stopped after ${r.stoppedAfterS} s`
        : `${r.wallS} s, ${r.peakMiB} MiB`
    const same =
      r.engine === 'duckdb' && r.finished ? `${(Number(r.top20Identical) * 100).toFixed(3)}%` : ''
    return `| ${r.case} | ${what} | ${result} | ${same} |`
  })
  return `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC (${machine()}), load ${loadAtStart} at the start and ${loadavg()} at the end.
Command: \`npm run bench -- cooc --engines${only ? ` --engine-cases ${only.join(',')}` : ''}\`.
The build's board stage from ingested memberships (defaults, walks off; the node engine on its default
threads, DuckDB on its default threads, spilling to the bench directory), on the generated inputs of
the section above (1M: 100k boards, 50k pins; 10M: 1M boards, 1M pins, a = ${SCALE.sizeExponent}). Peak = the child
process's max RSS. Top-20 identical = share of pins whose top-20 id sets equal the node engine's.
At 10M the memory_limit is 4 GiB, not 6: with the node side's memberships in the same process and
DuckDB's RSS above its limit, 6 GiB would pass the 7 GiB one engineer may use on this machine.
DuckDB runs sql/board-cooc.sql in passes over the pins (hash32 of the pin id) when the board-mate
pairs, at an estimated 64 B each, would not fit half its memory_limit (src/offline/engines/sql-stages.ts).

| memberships | engine | wall, peak RSS | top-20 identical |
|---|---|---|---|
${table.join('\n')}`
}

const loadavg = (): string =>
  spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).stdout.split(' ').slice(0, 3).join(' ')

/**
 * `--boards PATH`: on one boards file, the raw task on both engines (the headline ratio) and the
 * node engine's default board stage with its pruning statistics beside it, each child under
 * `/usr/bin/time -v`. Results in bench/results.json `coocBoards`.
 */
async function runBoards(dir: string, boards: string, duck: DuckRawOptions): Promise<void> {
  await mkdir(duck.tempDirectory, { recursive: true })
  const runs: Record<string, unknown> = {
    boards,
    file: basename(boards),
    duckdbTimeoutS: duck.timeoutS,
  }
  const save = async (): Promise<void> => {
    await mergeResults('coocBoards', runs)
    await writeDocSection(BOARDS_TITLE, boardsSection(runs))
  }
  console.error(`[bench:cooc] node default board stage (cap, pruning, walks) on ${boards}`)
  const load1 = loadavg()
  const full = mustChild('full', [boards], { timed: true })
  runs.full = { ...full, load: load1 }
  await save()
  console.error(`[bench:cooc]   ${full.outerWallS} s, ${full.outerPeakMiB} MiB`)
  console.error(`[bench:cooc] node raw counts top-${TOP} (no cap, no pruning) on ${boards}`)
  const load2 = loadavg()
  const oursTop = join(dir, 'boards-ours-top.csv')
  const raw = mustChild('raw', [boards, oursTop], { timed: true })
  runs.raw = { ...raw, load: load2 }
  await save()
  console.error(`[bench:cooc]   ${raw.outerWallS} s, ${raw.outerPeakMiB} MiB`)
  console.error(
    `[bench:cooc] DuckDB self-join + group by + window rank, memory_limit ${duck.memoryLimit}, stop after ${duck.timeoutS} s`
  )
  const load3 = loadavg()
  const duckTop = join(dir, 'boards-duck-top.csv')
  const d = mustChild(
    'duckdb',
    [boards, duckTop, duck.memoryLimit, duck.tempDirectory, String(duck.timeoutS)],
    { timed: true }
  )
  runs.duckdb = { ...d, load: load3, loadAfter: loadavg() }
  await rm(duck.tempDirectory, { recursive: true, force: true })
  if (d.finished) {
    // compareTop holds both files' lists in memory: only when they are small enough; larger files
    // are sorted on disk and compared byte for byte (the same lines, ties included).
    const size = (await stat(duckTop)).size + (await stat(oursTop)).size
    if (size < 400 * 2 ** 20) {
      runs.sameTopLists = (await compareTop(oursTop, duckTop)).identical
    } else {
      console.error('[bench:cooc] comparing the raw top lists: both files sorted on disk, then cmp')
      const same = sameLinesSorted(oursTop, duckTop, dir)
      runs.sameTopLists = same === false ? null : same
      runs.sameTopLinesSorted = same
    }
    runs.ratio = round(Number(d.outerWallS) / Number(raw.outerWallS))
  }
  await save()
  console.log(JSON.stringify(runs, null, 2))
}

const BOARDS_TITLE =
  'Board co-occurrence on a given boards file (`npm run bench -- cooc --boards PATH`)'

function boardsSection(runs: Record<string, unknown>): string {
  const full = runs.full as ChildResult | undefined
  const raw = runs.raw as ChildResult | undefined
  const duck = runs.duckdb as ChildResult | undefined
  const cell = (c: ChildResult | undefined) =>
    c ? `${c.outerWallS} s, ${c.outerPeakMiB} MiB (load ${c.load})` : 'not run'
  const st = full?.stats as
    | {
        memberships: number
        duplicateMemberships: number
        cappedGroups: number
        cappedMemberships: number
        pairUpdates: number
        threads: number
        pruning: Record<string, number>
        walk: { queries: number } | null
      }
    | undefined
  const duckCell = !duck
    ? 'not run'
    : duck.finished
      ? cell(duck)
      : `**not finished**: ${duck.interrupted ? `interrupted (${duck.stoppedBy})` : 'failed'} after ${round(duck.wallS)} s in the ${duck.phase} query ${Number(duck.reachedPercent) >= 0 ? `at ${Number(duck.reachedPercent).toFixed(1)}% of DuckDB's own progress` : 'before DuckDB reported any progress in it'}, ${duck.spillMiB} MiB spilled at most${duck.error && !duck.interrupted ? ` (${String(duck.error).split('\n')[0]})` : ''}; ${duck.outerPeakMiB} MiB peak (load ${duck.load} → ${duck.loadAfter})`
  const passes = Number(duck?.passes ?? 0)
  return `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on \`${runs.boards}\`. Each row is its
own child process under \`/usr/bin/time -v\` (wall and peak RSS from outside, so ingest and output
are included); the load average is read as each row starts. The raw task is the one the SQL computes:
co-occurrence counts over distinct memberships, top-${TOP} per pin, no cap, no pruning; related-pins
counts it on 1 thread, DuckDB ${duck?.version ?? ''} on its default threads with memory_limit
${duck?.memoryLimit ?? '–'} and a temp directory to spill to, interrupted if it runs longer than ${runs.duckdbTimeoutS} s.
DuckDB ran the query in ${passes > 1 ? `${passes} passes over the pins (pass p takes the pins with \`hash(pin_id) % ${passes} = p\`), as \`--engine duckdb\` runs sql/board-cooc.sql: enough passes for one pass's ${Number(duck?.pairUpdates ?? 0).toLocaleString('en')} / ${passes} pair updates, at 64 B each, to fit half the limit` : passes === 1 ? 'one pass' : 'no pass (it stopped before counting)'}.

| case | related-pins | DuckDB | DuckDB / related-pins |
|---|---|---|---|
| raw counts, top-${TOP}, no cap or pruning | ${cell(raw)}${raw ? `, ${Number(raw.pairUpdates).toLocaleString('en')} pair updates` : ''} | ${duckCell} | ${runs.ratio ? `**${runs.ratio}×**` : duck && !duck.finished ? `> ${round(Number(duck.wallS) / Number(raw?.outerWallS))}× (DuckDB unfinished)` : '–'} |
| default board stage (1000-pin cap, diversity pruning, ${DEFAULT_COOC_OPTIONS.scoring} scoring, walks) | ${cell(full)} | | |

${
  runs.sameTopLinesSorted === true
    ? `Raw-count top-${TOP} lists identical to DuckDB's: **true**, line for line with their counts (both files sorted on disk with \`LC_ALL=C sort\` and compared by \`cmp\`, ties included).`
    : runs.sameTopLinesSorted === false
      ? `Raw-count top-${TOP} lists: the two files differ line for line (sorted, compared by \`cmp\`); too large for the comparison up to the order of ties, so not checked further.`
      : runs.sameTopLists === undefined || runs.sameTopLists === null
        ? 'Raw top lists not compared (DuckDB unfinished, or sort/cmp unavailable).'
        : `Raw-count top-${TOP} lists identical to DuckDB's (up to the order of ties): **${runs.sameTopLists}**.`
}
${
  st
    ? `Default stage: ${Number(full!.rows).toLocaleString('en')} membership rows, ${st.duplicateMemberships.toLocaleString('en')} duplicates; the 1000-pin cap sampled ${st.cappedGroups.toLocaleString('en')} boards and dropped ${st.cappedMemberships.toLocaleString('en')} memberships; the diversity pruning dropped ${st.pruning.diverseBoardsDropped?.toLocaleString('en')} boards (${st.pruning.diverseMembershipsDropped?.toLocaleString('en')} memberships) of ${st.pruning.diverseBoardsTested?.toLocaleString('en')} tested; the pin degree cap dropped ${st.pruning.pinDegreeMembershipsDropped?.toLocaleString('en')} memberships; ${st.pairUpdates.toLocaleString('en')} pair updates on ${st.threads} thread(s), ${st.walk?.queries.toLocaleString('en') ?? 0} pins walked; stages (s) ${JSON.stringify(full!.stages)}, ingest ${round(Number(full!.ingestS))} s.`
    : ''
}`
}

async function childMain(args: string[]): Promise<void> {
  const [mode, ...rest] = args
  const result =
    mode === 'engine'
      ? await childEngine(rest[0]!, rest[1]!, rest[2] ?? '', rest[3]!, rest[4] ?? tmpdir())
      : mode === 'raw'
        ? await childRaw(rest[0]!, rest[1]!)
        : mode === 'full'
          ? await childFull(rest[0]!)
          : await childDuckdb(rest[0]!, rest[1]!, {
              memoryLimit: rest[2] ?? '',
              tempDirectory: rest[3] ?? tmpdir(),
              timeoutS: Number(rest[4]) || Number.POSITIVE_INFINITY,
            })
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

if (process.argv[1] === SELF && process.argv[2] === '--child') {
  childMain(process.argv.slice(3)).catch((err: unknown) => {
    console.error(err)
    process.exitCode = 1
  })
}
