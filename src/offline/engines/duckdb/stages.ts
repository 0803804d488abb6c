/**
 * @module
 * Board and session co-occurrence on embedded DuckDB: the ingested inputs go in as CSV, the SQL
 * of sql/ runs unchanged (board-prune → board-cooc, session-cooc), and the top lists come back
 * as NeighbourLists over the build's pin indices.
 */

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BuildOptions } from '../../config'
import type { Inputs } from '../../inputs'
import type { Logger } from '../../log'
import { parseBytes } from '../../memory'
import type { NeighbourLists } from '../../neighbour-lists'
import { coocPasses, pinPartSql, renderStage, stageParams } from '../sql-stages'
import { type Duckdb, type DuckdbOptions, openDuckdb, sqlString } from './database'
import { csvField, readCsvSql, readLists, writeCsv } from './tables'

export type DuckdbSources = {
  cooc: NeighbourLists | null
  session: NeighbourLists | null
  /** Memberships left by board-prune.sql: the node engine's pruned graph must have as many. */
  prunedMemberships: number | null
  /** Passes board-cooc.sql ran in (0 without boards). */
  coocPasses: number
  timings: Record<string, number>
  version: string
}

/** Run the SQL stages the inputs have (boards → board co-occurrence, events → session). */
export async function duckdbSources(
  inputs: Inputs,
  options: BuildOptions,
  duckOptions: DuckdbOptions,
  log: Logger,
  { sessions = true }: { sessions?: boolean } = {}
): Promise<DuckdbSources> {
  const dir = await mkdtemp(join(duckOptions.tempDirectory ?? tmpdir(), 'related-pins-duckdb-'))
  const db = await openDuckdb({ ...duckOptions, tempDirectory: join(dir, 'spill') })
  const timings: Record<string, number> = {}
  try {
    const params = stageParams(options)
    const ids = inputs.pins.ids
    const done = log.step('duckdb', `loading ${ids.length.toLocaleString('en')} pins`)
    const pinsCsv = join(dir, 'pins.csv')
    await writeCsv(pinsCsv, 'idx,pin_id', ids.length, (i) => `${i},${csvField(ids[i]!)}`)
    await db.createTable(
      'pin_index',
      `SELECT * FROM ${readCsvSql(pinsCsv, { idx: 'INTEGER', pin_id: 'VARCHAR' })}`,
      'duckdb',
      log
    )
    timings.duckdbLoad = done()
    let cooc: NeighbourLists | null = null
    let prunedMemberships: number | null = null
    let coocPassesRun = 0
    if (inputs.boards) {
      const b = inputs.boards
      const start = performance.now()
      const boardsCsv = join(dir, 'boards.csv')
      const boardIds = b.boards.ids
      await writeCsv(
        boardsCsv,
        'board_id,pin_id',
        b.pin.length,
        (k) => `${csvField(boardIds[b.board[k]!]!)},${csvField(ids[b.pin[k]!]!)}`
      )
      await db.createTable(
        'boards',
        `SELECT * FROM ${readCsvSql(boardsCsv, { board_id: 'VARCHAR', pin_id: 'VARCHAR' })}`,
        'cooccur',
        log
      )
      const doneBoards = log.step('cooccur', 'board co-occurrence in DuckDB (sql/board-*.sql)')
      await db.createTable('board_pruned', renderStage('board-prune', params), 'cooccur', log)
      prunedMemberships = await count(db, 'board_pruned')
      // In passes over the pins when all pairs at once would not fit the memory limit.
      const pairs = await pairCount(db)
      const passes =
        duckOptions.coocPasses ?? coocPasses(pairs, parseBytes(duckOptions.memoryLimit ?? ''))
      if (passes > 1) {
        log.info(
          `[cooccur] ${pairs.toLocaleString('en')} board-mate pairs: ${passes} passes over the pins to stay within memory_limit ${duckOptions.memoryLimit}`
        )
      }
      for (let pass = 0; pass < passes; pass++) {
        const select = renderStage('board-cooc', { ...params, pin_part: pinPartSql(pass, passes) })
        const stage = passes > 1 ? `cooccur pass ${pass + 1}/${passes}` : 'cooccur'
        if (pass === 0) {
          await db.createTable('cooc_candidates', select, stage, log)
        } else {
          await db.run(`INSERT INTO cooc_candidates ${select}`, stage, log)
        }
      }
      coocPassesRun = passes
      const read = await readLists(
        db.connection,
        indexed('cooc_candidates'),
        ids.length,
        options.topN
      )
      cooc = read.lists
      timings.cooccur = doneBoards(
        `${prunedMemberships.toLocaleString('en')} memberships after pruning, ${read.rows.toLocaleString('en')} candidates`
      )
      timings.cooccurWithLoad = (performance.now() - start) / 1000
    }
    let session: NeighbourLists | null = null
    if (inputs.events && sessions) {
      const e = inputs.events
      const start = performance.now()
      const eventsCsv = join(dir, 'events.csv')
      const users = e.users.ids
      const actions = e.actions.ids
      await writeCsv(
        eventsCsv,
        'user_id,pin_id,action,ts_ms',
        e.pin.length,
        (k) =>
          `${csvField(users[e.user[k]!]!)},${csvField(ids[e.pin[k]!]!)},${csvField(actions[e.action[k]!]!)},${e.time[k]}`
      )
      await db.createTable(
        'events',
        `SELECT * FROM ${readCsvSql(eventsCsv, { user_id: 'VARCHAR', pin_id: 'VARCHAR', action: 'VARCHAR', ts_ms: 'DOUBLE' })}`,
        'session-cooc',
        log
      )
      await db.createTable('action_weights', actionWeightsSql(options), 'session-cooc', log)
      const doneSessions = log.step(
        'session-cooc',
        'session co-occurrence in DuckDB (sql/session-cooc.sql)'
      )
      await db.createTable(
        'session_candidates',
        renderStage('session-cooc', params),
        'session-cooc',
        log
      )
      const read = await readLists(
        db.connection,
        indexed('session_candidates'),
        ids.length,
        options.topN
      )
      session = read.lists
      timings.sessionCooc = doneSessions(`${read.rows.toLocaleString('en')} candidates`)
      timings.sessionCoocWithLoad = (performance.now() - start) / 1000
    }
    const version = (
      await db.connection.runAndReadAll('SELECT version()')
    ).getRows()[0]![0] as string
    return { cooc, session, prunedMemberships, coocPasses: coocPassesRun, timings, version }
  } finally {
    db.close()
    await rm(dir, { recursive: true, force: true })
  }
}

/** The action weights of the build options as a VALUES table (other actions: a parameter). */
export function actionWeightsSql(options: BuildOptions): string {
  const rows = Object.entries(options.sessions.actionWeights).map(
    ([action, weight]) => `(${sqlString(action)}, CAST(${weight} AS DOUBLE))`
  )
  return rows.length === 0
    ? 'SELECT CAST(NULL AS VARCHAR) AS action, CAST(NULL AS DOUBLE) AS weight WHERE 1 = 0'
    : `SELECT * FROM (VALUES ${rows.join(', ')}) AS t(action, weight)`
}

const indexed = (table: string): string =>
  `SELECT pi.idx, ci.idx, c.score, c.rank FROM ${table} c ` +
  'JOIN pin_index pi ON pi.pin_id = c.pin_id JOIN pin_index ci ON ci.pin_id = c.candidate_id'

/** Ordered (pin, board-mate) pairs of board_pruned: what board-cooc.sql's join produces. */
async function pairCount(db: Duckdb): Promise<number> {
  const rows = (
    await db.connection.runAndReadAll(
      'SELECT COALESCE(SUM(n * (n - 1)), 0) FROM (SELECT COUNT(*) AS n FROM board_pruned GROUP BY board_id) t'
    )
  ).getRows()
  return Number(rows[0]![0])
}

async function count(db: Duckdb, table: string): Promise<number> {
  const rows = (await db.connection.runAndReadAll(`SELECT COUNT(*) FROM ${table}`)).getRows()
  return Number(rows[0]![0])
}
