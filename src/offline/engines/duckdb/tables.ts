/**
 * @module
 * Node tables in and out of DuckDB: the ingested inputs go in as CSV files DuckDB reads in
 * parallel (far faster than appending row by row through the binding), and top lists come back
 * in chunks of typed columns, never as one big result.
 */

import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import type { DuckDBConnection } from '@duckdb/node-api'
import { createNeighbourLists, type NeighbourLists } from '../../neighbour-lists'

/** A CSV field: quoted only when it has to be. */
export const csvField = (s: string): string =>
  /[",\n\r]/.test(s) || s === '' ? `"${s.replaceAll('"', '""')}"` : s

/** Write rows to a CSV file through a stream, in ~1 MiB writes. */
export async function writeCsv(
  path: string,
  header: string,
  count: number,
  row: (i: number) => string
): Promise<void> {
  const out = createWriteStream(path)
  let chunk = `${header}\n`
  for (let i = 0; i < count; i++) {
    chunk += `${row(i)}\n`
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) {
        await once(out, 'drain')
      }
      chunk = ''
    }
  }
  out.end(chunk)
  await once(out, 'finish')
}

/** read_csv of a file written by writeCsv, with every column typed (no sniffing). */
export const readCsvSql = (path: string, columns: Record<string, string>): string =>
  `read_csv('${path.replaceAll("'", "''")}', header = true, quote = '"', escape = '"', ` +
  `columns = {${Object.entries(columns)
    .map(([k, v]) => `'${k}': '${v}'`)
    .join(', ')}})`

/**
 * Read a candidates query (pin, candidate, score, rank with pin and candidate as dense indices)
 * into NeighbourLists of `pinCount` rows.
 */
export async function readLists(
  connection: DuckDBConnection,
  select: string,
  pinCount: number,
  topN: number
): Promise<{ lists: NeighbourLists; rows: number }> {
  const lists = createNeighbourLists(pinCount, topN)
  const result = await connection.stream(select)
  let rows = 0
  for (;;) {
    const chunk = await result.fetchChunk()
    if (!chunk || chunk.rowCount === 0) {
      break
    }
    const pin = chunk.getColumnValues(0) as number[]
    const candidate = chunk.getColumnValues(1) as number[]
    const score = chunk.getColumnValues(2) as number[]
    const rank = chunk.getColumnValues(3) as (number | bigint)[]
    for (let k = 0; k < chunk.rowCount; k++) {
      const i = pin[k]!
      const r = Number(rank[k]!) - 1
      lists.indices[i * topN + r] = candidate[k]!
      lists.scores[i * topN + r] = score[k]!
      if (r + 1 > lists.counts[i]!) {
        lists.counts[i] = r + 1
      }
    }
    rows += chunk.rowCount
  }
  return { lists, rows }
}
