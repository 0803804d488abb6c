/**
 * @module
 * `build --write-candidates`: every source's top lists and the per-pin features and embeddings
 * as Parquet under OUT/candidates/ (schema.ts), written by DuckDB from streamed CSV.
 */

import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Sources } from '../candidate-sources'
import { openDuckdb, sqlString } from '../engines/duckdb/database'
import { csvField, readCsvSql, writeCsv } from '../engines/duckdb/tables'
import type { Logger } from '../log'
import type { NeighbourLists } from '../neighbour-lists'
import { type CandidateSource, candidateFile, PINS_FILE } from './schema'

/** Write OUT/candidates/*.parquet; returns the files written. */
export async function writeCandidates(
  outDir: string,
  ids: readonly string[],
  sources: Sources,
  log: Logger
): Promise<string[]> {
  const dir = join(outDir, 'candidates')
  await mkdir(dir, { recursive: true })
  const scratch = await mkdtemp(join(dir, '.tmp-'))
  const db = await openDuckdb({ tempDirectory: join(scratch, 'spill') })
  const written: string[] = []
  const done = log.step('candidates', `writing candidate files to ${dir}`)
  try {
    const lists: [CandidateSource, NeighbourLists | null][] = [
      ['cooc', sources.cooc],
      ['walk', sources.walk],
      ['session', sources.session],
      ['pin2vec', sources.pin2vec?.lists ?? null],
    ]
    for (const [source, l] of lists) {
      if (!l) {
        continue
      }
      const csv = join(scratch, `${source}.csv`)
      let total = 0
      for (let i = 0; i < l.counts.length; i++) {
        total += l.counts[i]!
      }
      // Row k of the file: walk pins in order, each pin's ranks in order.
      let pin = 0
      let rank = 0
      await writeCsv(csv, 'pin_id,candidate_id,score,rank', total, () => {
        while (rank >= l.counts[pin]!) {
          pin++
          rank = 0
        }
        const k = pin * l.topN + rank
        rank++
        return `${csvField(ids[pin]!)},${csvField(ids[l.indices[k]!]!)},${l.scores[k]!},${rank}`
      })
      const file = join(dir, candidateFile(source))
      await db.run(
        `COPY (SELECT * FROM ${readCsvSql(csv, { pin_id: 'VARCHAR', candidate_id: 'VARCHAR', score: 'DOUBLE', rank: 'INTEGER' })}) TO ${sqlString(file)} (FORMAT parquet)`,
        'candidates',
        log
      )
      written.push(file)
    }
    const p2v = sources.pin2vec
    const csv = join(scratch, 'pins.csv')
    await writeCsv(
      csv,
      'pin_id,engagement,recent_engagement,board_degree,embedding',
      ids.length,
      (i) => {
        let embedding = ''
        if (p2v?.trained[i]) {
          embedding = `"[${Array.from(p2v.vectors.subarray(i * p2v.dims, (i + 1) * p2v.dims)).join(',')}]"`
        }
        return `${csvField(ids[i]!)},${sources.engagement[i]},${sources.recentEngagement[i]},${sources.boardDegree[i]},${embedding}`
      }
    )
    const file = join(dir, PINS_FILE)
    await db.run(
      `COPY (SELECT pin_id, engagement, recent_engagement, board_degree, CAST(embedding AS FLOAT[]) AS embedding FROM ${readCsvSql(csv, { pin_id: 'VARCHAR', engagement: 'INTEGER', recent_engagement: 'INTEGER', board_degree: 'INTEGER', embedding: 'VARCHAR' })}) TO ${sqlString(file)} (FORMAT parquet)`,
      'candidates',
      log
    )
    written.push(file)
  } finally {
    db.close()
    await rm(scratch, { recursive: true, force: true })
  }
  done(`${written.length} files`)
  return written
}
