/**
 * @module
 * An embedded DuckDB for the SQL stages: opened with a memory limit and a spill directory (so
 * joins larger than memory go out of core), the hash32() macro the SQL samples by, CSV loading of
 * node-side tables, and a query runner that reports DuckDB's own progress.
 */

import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api'
import { BuildError } from '../../errors'
import type { Logger } from '../../log'

export type DuckdbOptions = {
  /** DuckDB memory_limit, e.g. '2GiB'; default: DuckDB's own (80% of RAM). */
  memoryLimit?: string
  /** Worker threads (default: DuckDB's own, one per core). */
  threads?: number
  /** Where DuckDB spills when over the limit. */
  tempDirectory?: string
  /** Keep results in scan order (reading input files row by row); off by default, as it costs. */
  keepOrder?: boolean
  /**
   * Passes of board-cooc.sql over the pins; default: enough for each pass's pairs to fit half the
   * memory limit (sql-stages.ts, coocPasses), 1 without a limit.
   */
  coocPasses?: number
}

export type Duckdb = {
  connection: DuckDBConnection
  /** Run one statement, logging DuckDB's progress every few seconds under `stage`. */
  run(sql: string, stage: string, log: Logger): Promise<void>
  /** Materialise `select` as table `name`. */
  createTable(name: string, select: string, stage: string, log: Logger): Promise<void>
  close(): void
}

/** hash32(text): the first 32 bits of MD5 as an integer (src/offline/sample/hash32.ts). */
const HASH32_MACRO = `CREATE OR REPLACE MACRO hash32(x) AS CAST(('0x' || substr(md5(x), 1, 8)) AS BIGINT)`

export async function openDuckdb(options: DuckdbOptions = {}): Promise<Duckdb> {
  const config: Record<string, string> = {}
  if (options.memoryLimit) {
    config.memory_limit = options.memoryLimit
  }
  if (options.threads) {
    config.threads = String(options.threads)
  }
  if (options.tempDirectory) {
    config.temp_directory = options.tempDirectory
  }
  // Row order of results is never relied on; insertion order off lets DuckDB stream more.
  config.preserve_insertion_order = options.keepOrder ? 'true' : 'false'
  const instance = await DuckDBInstance.create(':memory:', config)
  const connection = await instance.connect()
  await connection.run(HASH32_MACRO)
  const run = async (sql: string, stage: string, log: Logger): Promise<void> => {
    const started = Date.now()
    const timer = setInterval(() => {
      const p = connection.progress
      const pct = p.percentage >= 0 ? `${p.percentage.toFixed(0)}%` : '…'
      log.progress(
        stage,
        `duckdb ${pct} after ${((Date.now() - started) / 1000).toFixed(0)} s`,
        true
      )
    }, 5000)
    try {
      await connection.run(sql)
    } catch (err) {
      throw new BuildError('cooccur', `duckdb (${stage}): ${(err as Error).message}`, {
        cause: err,
      })
    } finally {
      clearInterval(timer)
    }
  }
  return {
    connection,
    run,
    createTable: (name, select, stage, log) =>
      run(`CREATE OR REPLACE TABLE ${name} AS ${select}`, stage, log),
    close() {
      connection.closeSync()
      instance.closeSync()
    },
  }
}

/** A string as a SQL literal. */
export const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`
