/**
 * @module
 * Reads candidate files (schema.ts) made anywhere into the build's Sources: ids are numbered in
 * byte order as ingest numbers them, so the same candidates give the same build as `build`. Every
 * file is checked before use; a bad row fails with the file, the pin and the field.
 */

import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { DuckDBListValue } from '@duckdb/node-api'
import type { Sources } from '../candidate-sources'
import { type Duckdb, sqlString } from '../engines/duckdb/database'
import { BuildError } from '../errors'
import type { Logger } from '../log'
import { createNeighbourLists, type NeighbourLists } from '../neighbour-lists'
import type { Vocab } from '../vocab'
import { CANDIDATE_SOURCES, type CandidateSource, candidateFile, PINS_FILE } from './schema'

export type CandidateFiles = Partial<Record<CandidateSource | 'pins', string>>

/** The candidate files present in `dir`; fails when there is none. */
export function findCandidateFiles(dir: string): CandidateFiles {
  const files: CandidateFiles = {}
  for (const source of CANDIDATE_SOURCES) {
    const path = join(dir, candidateFile(source))
    if (existsSync(path)) {
      files[source] = path
    }
  }
  if (Object.keys(files).length === 0) {
    throw new BuildError(
      'ingest',
      `${dir}: no candidate files (expected ${CANDIDATE_SOURCES.map(candidateFile).join(', ')}; see docs/data-format.md#candidate-files)`
    )
  }
  const pins = join(dir, PINS_FILE)
  if (existsSync(pins)) {
    files.pins = pins
  }
  return files
}

const parquet = (path: string): string => `read_parquet(${sqlString(path)})`

/** First problem of a candidate file, as `file: pin P: field: reason`, or null. */
async function checkCandidates(db: Duckdb, path: string): Promise<string | null> {
  const rows = (
    await db.connection.runAndReadAll(`
    WITH c AS (SELECT pin_id, candidate_id, score, rank FROM ${parquet(path)}),
    problems AS (
      SELECT pin_id, 'pin_id' AS field, 'missing' AS reason FROM c WHERE pin_id IS NULL OR pin_id = ''
      UNION ALL SELECT pin_id, 'candidate_id', 'missing' FROM c WHERE candidate_id IS NULL OR candidate_id = ''
      UNION ALL SELECT pin_id, 'candidate_id', 'same as pin_id' FROM c WHERE candidate_id = pin_id
      UNION ALL SELECT pin_id, 'score', 'not a finite number' FROM c WHERE score IS NULL OR NOT isfinite(score)
      UNION ALL SELECT pin_id, 'rank', 'must be an integer >= 1' FROM c WHERE rank IS NULL OR rank < 1
      UNION ALL SELECT pin_id, 'rank', 'ranks of a pin must be 1..n, each once'
        FROM c GROUP BY pin_id HAVING COUNT(DISTINCT rank) <> COUNT(*) OR MAX(rank) <> COUNT(*)
      UNION ALL SELECT pin_id, 'candidate_id', 'listed twice for the pin'
        FROM c GROUP BY pin_id HAVING COUNT(DISTINCT candidate_id) <> COUNT(*)
    )
    SELECT pin_id, field, reason FROM problems ORDER BY pin_id NULLS FIRST LIMIT 1`)
  ).getRows()
  const first = rows[0]
  return first ? `${path}: pin ${first[0] ?? '(null)'}: ${first[1]}: ${first[2]}` : null
}

async function readColumn(db: Duckdb, sql: string, each: (row: unknown[]) => void): Promise<void> {
  const result = await db.connection.stream(sql)
  for (;;) {
    const chunk = await result.fetchChunk()
    if (!chunk || chunk.rowCount === 0) {
      return
    }
    for (const row of chunk.getRows()) {
      each(row)
    }
  }
}

/** Read the files into Sources over `pins`; ids met in candidate files are added to `pins`. */
export async function readCandidates(
  db: Duckdb,
  files: CandidateFiles,
  pins: Vocab,
  log: Logger
): Promise<Omit<Sources, 'pinCount'> & { topN: number }> {
  const sourceFiles = CANDIDATE_SOURCES.filter((s) => files[s])
  for (const source of sourceFiles) {
    const problem = await checkCandidates(db, files[source]!)
    if (problem) {
      throw new BuildError('ingest', problem)
    }
  }
  // Every id first, so the numbering (byte order, as ingest does) is known before the lists.
  const idSql = [
    ...sourceFiles.flatMap((s) => [
      `SELECT pin_id AS id FROM ${parquet(files[s]!)}`,
      `SELECT candidate_id FROM ${parquet(files[s]!)}`,
    ]),
    ...(files.pins ? [`SELECT pin_id FROM ${parquet(files.pins)}`] : []),
  ].join(' UNION ')
  await readColumn(db, idSql, (row) => {
    pins.intern(row[0] as string)
  })
  pins.sortById()
  const pinCount = pins.size
  const lists: Partial<Record<CandidateSource, NeighbourLists>> = {}
  let topN = 0
  for (const source of sourceFiles) {
    const path = files[source]!
    const max = (
      await db.connection.runAndReadAll(`SELECT MAX(rank) FROM ${parquet(path)}`)
    ).getRows()
    const n = Number(max[0]![0] ?? 0)
    topN = Math.max(topN, n)
    const l = createNeighbourLists(pinCount, Math.max(1, n))
    let rows = 0
    await readColumn(
      db,
      `SELECT pin_id, candidate_id, score, rank FROM ${parquet(path)}`,
      (row) => {
        const i = pins.get(row[0] as string)!
        const r = Number(row[3]) - 1
        l.indices[i * l.topN + r] = pins.get(row[1] as string)!
        l.scores[i * l.topN + r] = row[2] as number
        l.counts[i] = Math.max(l.counts[i]!, r + 1)
        rows++
      }
    )
    lists[source] = l
    log.info(
      `[candidates] ${path}: ${rows.toLocaleString('en')} candidates of ${n} per pin at most`
    )
  }
  const engagement = new Int32Array(pinCount)
  const recentEngagement = new Int32Array(pinCount)
  const boardDegree = new Int32Array(pinCount)
  let vectors: Float32Array | null = null
  let trained: Uint8Array | null = null
  let dims = 0
  if (files.pins) {
    // recent_engagement is optional: files written before it existed, or by a warehouse job
    // that does not compute it, give the blend no trend signal (0 for every pin).
    const columns = (
      await db.connection.runAndReadAll(`DESCRIBE SELECT * FROM ${parquet(files.pins)}`)
    ).getRows()
    const recent = columns.some((c) => c[0] === 'recent_engagement') ? 'recent_engagement' : '0'
    await readColumn(
      db,
      `SELECT pin_id, engagement, board_degree, embedding, ${recent} FROM ${parquet(files.pins)}`,
      (row) => {
        const i = pins.get(row[0] as string)!
        engagement[i] = Number(row[1] ?? 0)
        boardDegree[i] = Number(row[2] ?? 0)
        recentEngagement[i] = Number(row[4] ?? 0)
        const embedding = row[3] as DuckDBListValue | null
        if (embedding) {
          if (!vectors) {
            dims = embedding.items.length
            vectors = new Float32Array(pinCount * dims)
            trained = new Uint8Array(pinCount)
          }
          if (embedding.items.length !== dims) {
            throw new BuildError(
              'ingest',
              `${files.pins}: pin ${row[0]}: embedding: has ${embedding.items.length} dimensions, the first had ${dims}`
            )
          }
          vectors.set(embedding.items as number[], i * dims)
          trained![i] = 1
        }
      }
    )
  }
  if (lists.pin2vec && !vectors) {
    throw new BuildError(
      'ingest',
      `${files.pin2vec}: Pin2Vec candidates need the embeddings they come from: give ${PINS_FILE} with an embedding column`
    )
  }
  return {
    topN,
    engagement,
    recentEngagement,
    boardDegree,
    cooc: lists.cooc ?? null,
    walk: lists.walk ?? null,
    session: lists.session ?? null,
    pin2vec:
      lists.pin2vec && vectors && trained
        ? {
            lists: lists.pin2vec,
            vectors,
            trained,
            dims,
            lossPerEpoch: [],
            pairs: 0,
            pairsPerSec: 0,
          }
        : null,
    sessions: null,
    stats: {},
    timings: {},
  }
}
