/**
 * @module
 * `npm run bench -- distributed`: the co-occurrence stages on a real multi-process cluster. Installs
 * Dask's distributed scheduler from Debian (python3-distributed, python3-pandas) if missing, starts
 * a scheduler and N worker processes on loopback, runs bench/distributed/stages.py (the plan of
 * sql/ as dask.dataframe shuffles, joins and group-bys) over the ingested Parquet inputs, turns its
 * output into candidate files, assembles a servable build from them (build --from-candidates), checks
 * the top-20 lists against the node engine, records the numbers and stops the cluster.
 *
 * Flags: --pins N (generated world, default 20000), --workers N (2), --dir DIR, and
 * --length-damping G (session co-occurrence's length damping γ, default the build's: 1; the build's
 * session grid also tries 0). A non-default γ records under its own results key and doc section.
 */

import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { computeBoardSources } from '../src/offline/board-graph'
import { buildFromCandidates } from '../src/offline/candidates/build-from'
import { readCandidates } from '../src/offline/candidates/read'
import { buildOptions } from '../src/offline/config'
import { compareTopSets } from '../src/offline/engines/compare'
import { openDuckdb, sqlString } from '../src/offline/engines/duckdb/database'
import { csvField, writeCsv } from '../src/offline/engines/duckdb/tables'
import { generateWorld, writeWorld } from '../src/offline/generate'
import { loadInputs } from '../src/offline/inputs'
import { createLogger } from '../src/offline/log'
import { sessionizeOptions } from '../src/offline/sessions/options'
import { sessionCooccurrence } from '../src/offline/sessions/session-cooc'
import { sessionize } from '../src/offline/sessions/sessionize'
import { Vocab } from '../src/offline/vocab'
import { mergeResults, ROOT, writeDocSection } from './lib/results'

const PYTHON = '/usr/bin/python3'
const say = (m: string): void => console.error(`[bench:distributed] ${m}`)
const seconds = (since: number): number => Math.round((performance.now() - since) / 10) / 100

/** Install the engine from Debian when it is not there (the bench runs on a fresh machine). */
function ensureDask(): string {
  const probe = (): string | null => {
    try {
      return execFileSync(
        PYTHON,
        ['-c', 'import distributed, pandas; print(distributed.__version__)'],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        }
      ).trim()
    } catch {
      return null
    }
  }
  let version = probe()
  if (!version) {
    say('apt-get install -y --no-install-recommends python3-distributed python3-pandas')
    execFileSync('apt-get', ['update'], { stdio: 'inherit' })
    execFileSync(
      'apt-get',
      ['install', '-y', '--no-install-recommends', 'python3-distributed', 'python3-pandas'],
      { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }
    )
    version = probe()
  }
  if (!version) {
    throw new Error('bench distributed: python3-distributed did not install')
  }
  return version
}

/** A scheduler and `workers` worker processes on loopback; stop() ends exactly these processes. */
async function startCluster(workers: number, port: number) {
  const address = `tcp://127.0.0.1:${port}`
  const procs: ChildProcess[] = []
  const launch = (bin: string, args: string[]): void => {
    const p = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] })
    p.stderr?.on('data', () => {})
    procs.push(p)
  }
  launch('/usr/bin/dask-scheduler', [
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--no-dashboard',
  ])
  await new Promise((r) => setTimeout(r, 3000))
  for (let w = 0; w < workers; w++) {
    launch('/usr/bin/dask-worker', [
      address,
      '--nworkers',
      '1',
      '--nthreads',
      '1',
      '--memory-limit',
      '3GiB',
      '--no-dashboard',
      '--name',
      `w${w}`,
    ])
  }
  return {
    address,
    pids: procs.map((p) => p.pid!),
    async stop() {
      for (const p of procs) {
        p.kill('SIGTERM')
      }
      await new Promise((r) => setTimeout(r, 1500))
      for (const p of procs) {
        if (p.exitCode === null) {
          p.kill('SIGKILL')
        }
      }
    },
  }
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      pins: { type: 'string' },
      workers: { type: 'string' },
      dir: { type: 'string' },
      'length-damping': { type: 'string' },
    },
  })
  const lengthDamping =
    values['length-damping'] === undefined ? undefined : Number(values['length-damping'])
  if (lengthDamping !== undefined && !(lengthDamping >= 0)) {
    throw new Error(
      `bench distributed: --length-damping must be a number ≥ 0, got ${values['length-damping']}`
    )
  }
  /** Results key and doc-section suffix of a run with a non-default γ. */
  const variant = lengthDamping === undefined ? '' : `, session length damping ${lengthDamping}`
  const pinCount = Number(values.pins ?? 20000)
  const workers = Number(values.workers ?? 2)
  const dir = values.dir ?? join(tmpdir(), 'related-pins-bench', `distributed-${pinCount}`)
  const version = ensureDask()
  await rm(dir, { recursive: true, force: true })
  await mkdir(join(dir, 'world'), { recursive: true })
  const log = createLogger({ silent: true })

  say(`generated world of ${pinCount} pins → Parquet inputs`)
  await writeWorld(generateWorld({ pins: pinCount, seed: 42 }), join(dir, 'world'))
  const db = await openDuckdb({ keepOrder: true })
  for (const kind of ['boards', 'events', 'pins']) {
    await db.connection.run(
      `COPY (SELECT * FROM read_csv(${sqlString(join(dir, 'world', `${kind}.csv`))}, header = true, all_varchar = true)) TO ${sqlString(join(dir, `${kind}.parquet`))} (FORMAT parquet)`
    )
  }
  db.close()

  // Ingest (validation, column mapping, accounting) stays on the driver, as with --engine duckdb.
  let t = performance.now()
  const options = buildOptions({
    walk: { minCooc: 0 },
    ...(lengthDamping === undefined ? {} : { sessionCooc: { lengthDamping } }),
  })
  const inputs = await loadInputs(
    { boards: join(dir, 'boards.parquet'), events: join(dir, 'events.parquet') },
    options.ingest,
    log
  )
  const ingestS = seconds(t)
  const ids = inputs.pins.ids
  const b = inputs.boards!
  const e = inputs.events!
  await writeCsv(join(dir, 'boards.csv'), 'board_id,pin_id', b.pin.length, (k) =>
    [b.boards.ids[b.board[k]!]!, ids[b.pin[k]!]!].map(csvField).join(',')
  )
  await writeCsv(
    join(dir, 'events.csv'),
    'user_id,pin_id,action,ts_ms',
    e.pin.length,
    (k) =>
      `${[e.users.ids[e.user[k]!]!, ids[e.pin[k]!]!, e.actions.ids[e.action[k]!]!].map(csvField).join(',')},${e.time[k]}`
  )

  say('node engine (reference)')
  t = performance.now()
  const board = await computeBoardSources(
    { board: b.board, pin: b.pin, boardCount: b.boards.size, pinIds: ids, boardIds: b.boards.ids },
    ids.length,
    options,
    log
  )
  const sessionOptions = sessionizeOptions(e.actions.ids, options.sessions)
  const session = sessionCooccurrence(sessionize(e, sessionOptions).sessions, ids.length, {
    ...options.sessionCooc,
    topN: options.topN,
    actionWeight: sessionOptions.actionWeight,
  })
  const nodeS = seconds(t)

  const params = {
    seed: options.seed,
    top_n: options.topN,
    max_board_size: options.cooc.maxBoardSize,
    diverse_min_size: options.cooc.diverseMinSize,
    diverse_margin: options.cooc.diverseMargin,
    pin_degree_exponent: options.cooc.pinDegreeExponent,
    scoring: options.cooc.scoring,
    board_weight: options.cooc.boardWeight,
    other_action_weight: options.sessions.otherActionWeight,
    action_weights: options.sessions.actionWeights,
    gap_ms: options.sessions.gapMinutes * 60_000,
    max_distance: options.sessionCooc.maxDistance,
    decay: options.sessionCooc.decay,
    backward: options.sessionCooc.backward,
    popularity_exponent: options.sessionCooc.popularityExponent,
    length_damping: options.sessionCooc.lengthDamping,
    jaccard: options.sessionCooc.scoring === 'jaccard' ? 1 : 0,
  }
  await writeFile(join(dir, 'params.json'), JSON.stringify(params))
  const port = 18786 + (process.pid % 1000)
  say(`starting dask-scheduler and ${workers} dask-worker processes (distributed ${version})`)
  const cluster = await startCluster(workers, port)
  let out: { workers: number; prunedMemberships: number; timings: Record<string, number> }
  t = performance.now()
  try {
    const stdout = execFileSync(
      PYTHON,
      [
        join(ROOT, 'bench', 'distributed', 'stages.py'),
        cluster.address,
        String(workers),
        join(dir, 'boards.csv'),
        join(dir, 'events.csv'),
        join(dir, 'out'),
        join(dir, 'params.json'),
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 }
    )
    out = JSON.parse(stdout.trim().split('\n').pop()!)
  } finally {
    say(`stopping the cluster (pids ${cluster.pids.join(', ')})`)
    await cluster.stop()
  }
  const clusterS = seconds(t)

  say('cluster output → candidate files → build --from-candidates')
  t = performance.now()
  const candidates = join(dir, 'candidates')
  await mkdir(candidates, { recursive: true })
  const conv = await openDuckdb()
  for (const source of ['cooc', 'session']) {
    const parts = (await readdir(join(dir, 'out', source))).length
    await conv.connection.run(
      `COPY (SELECT pin_id, candidate_id, CAST(score AS DOUBLE) AS score, CAST(rank AS INTEGER) AS rank FROM read_csv(${sqlString(join(dir, 'out', source, '*.csv'))}, header = true, columns = {'pin_id': 'VARCHAR', 'candidate_id': 'VARCHAR', 'score': 'DOUBLE', 'rank': 'BIGINT'})) TO ${sqlString(join(candidates, `${source}.parquet`))} (FORMAT parquet)`
    )
    say(`  ${source}: ${parts} partition files`)
  }
  const pins = new Vocab()
  for (const id of ids) {
    pins.intern(id)
  }
  const read = await readCandidates(
    conv,
    { cooc: join(candidates, 'cooc.parquet'), session: join(candidates, 'session.parquet') },
    pins,
    log
  )
  conv.close()
  const built = await buildFromCandidates(
    { dir: candidates, pins: join(dir, 'pins.parquet'), out: join(dir, 'build'), options },
    log
  )
  const assembleS = seconds(t)
  const cooc = compareTopSets(board.cooc, read.cooc!, 20)
  const sess = compareTopSets(session.lists, read.session!, 20)
  const share = Math.min(cooc.share, sess.share)
  const result = {
    engine: `dask-distributed ${version}`,
    workers: out.workers,
    pins: ids.length,
    memberships: b.pin.length,
    events: e.pin.length,
    identicalTopLists: share >= 0.999,
    topListShare: {
      cooc: cooc.share,
      session: sess.share,
      coocPins: cooc.pins,
      sessionPins: sess.pins,
    },
    prunedMembershipsMatch:
      out.prunedMemberships ===
      board.stats.memberships -
        board.stats.cappedMemberships -
        board.stats.pruning.diverseMembershipsDropped -
        board.stats.pruning.pinDegreeMembershipsDropped,
    buildId: built.manifest.buildId,
    timingsS: {
      ingest: ingestS,
      nodeEngine: nodeS,
      cluster: clusterS,
      clusterStages: Object.fromEntries(
        Object.entries(out.timings).map(([k, v]) => [k, Math.round(v * 100) / 100])
      ),
      assemble: assembleS,
    },
  }
  say(JSON.stringify(result))
  await mergeResults(
    variant ? `distributed-length-damping-${lengthDamping}` : 'distributed',
    result
  )
  await writeDocSection(
    `Distributed co-occurrence (\`npm run bench -- distributed\`${variant})`,
    `\`npm run bench -- distributed --pins ${pinCount} --workers ${workers}${variant ? ` --length-damping ${lengthDamping}` : ''}\`, measured ${new Date().toISOString().slice(0, 10)} on one shared 2-core machine. Dask ${version}
(Debian python3-distributed): one scheduler and ${out.workers} worker processes (1 thread each) on
loopback, running bench/distributed/stages.py (the plan of sql/: shuffle by board, cap and self-join per
partition, shuffle pairs by pin, sum, score, rank; events shuffled by user and sessionized per
partition) over a generated world of ${ids.length.toLocaleString('en')} pins (${b.pin.length.toLocaleString('en')} board memberships, ${e.pin.length.toLocaleString('en')} events) read from Parquet.

| step | seconds |
|---|---|
| node engine, board + session co-occurrence (reference) | ${nodeS} |
| cluster, whole job (incl. task scheduling) | ${clusterS} |
| cluster stages | ${Object.entries(result.timingsS.clusterStages)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')} |
| candidate files → build --from-candidates | ${assembleS} |

Top-20 sets identical to the node engine's: board ${(cooc.share * 100).toFixed(2)}% of ${cooc.pins} pins,
session ${(sess.share * 100).toFixed(2)}% of ${sess.pins} pins (identicalTopLists: ${result.identicalTopLists});
pruned memberships equal: ${result.prunedMembershipsMatch}. Assembled build ${result.buildId}. At this size
the cluster is slower than one process (Python and task overhead on 2 shared cores); it shows the plan
distributes and gives the same lists, not a speed-up.`
  )
  console.log(JSON.stringify(result, null, 2))
}
