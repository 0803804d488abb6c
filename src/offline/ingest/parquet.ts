/**
 * @module
 * Parquet inputs, read through embedded DuckDB in file order and handed to the same row builders,
 * column mapping and accounting as CSV/TSV/JSONL. Values become the text those builders parse
 * (TIMESTAMP and DATE columns as Unix milliseconds); a NULL is an empty field. Errors name the
 * row as `file:row` with row 1 the file's first row (a Parquet file has no header line).
 */

import { BuildError } from '../errors'
import type { InputKind } from '../types'
import { type ColumnMap, FIELDS, resolveHeader } from './fields'

const TIME_TYPES = /^(TIMESTAMP|DATE)/

/** Call `onRecord(fields, rowNo)` for each row, `fields` in the order of FIELDS[kind] ('' = absent). */
export async function readParquetRows(
  kind: InputKind,
  file: string,
  columns: ColumnMap | undefined,
  onRecord: (fields: string[], cols: readonly number[], rowNo: number) => void
): Promise<void> {
  const { openDuckdb, sqlString } = await import('../engines/duckdb/database')
  const db = await openDuckdb({ keepOrder: true })
  try {
    const source = `read_parquet(${sqlString(file)}, file_row_number = true)`
    let described: unknown[][]
    try {
      described = (await db.connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`)).getRows()
    } catch (err) {
      const message = (err as Error).message.replace(/^[A-Za-z ]+Error: /, '')
      throw new BuildError('ingest', `${file}: not a readable Parquet file (${message})`, {
        cause: err,
      })
    }
    const names = described.map((r) => r[0] as string).filter((n) => n !== 'file_row_number')
    const types = new Map(described.map((r) => [r[0] as string, r[1] as string]))
    const cols = resolveHeader(kind, names, columns, file)
    const present = FIELDS[kind].map((_, k) => cols[k]!).filter((c) => c >= 0)
    const select = present.map((c) => {
      const name = `"${names[c]!.replaceAll('"', '""')}"`
      const value = TIME_TYPES.test(types.get(names[c]!) ?? '') ? `epoch_ms(${name})` : name
      return `COALESCE(CAST(${value} AS VARCHAR), '')`
    })
    // The builders index fields by cols; here field k of the select is column position k.
    const local = FIELDS[kind].map((_, k) => (cols[k]! >= 0 ? present.indexOf(cols[k]!) : -1))
    const result = await db.connection.stream(
      `SELECT file_row_number, ${select.join(', ')} FROM ${source}`
    )
    for (;;) {
      const chunk = await result.fetchChunk()
      if (!chunk || chunk.rowCount === 0) {
        return
      }
      for (const row of chunk.getRows()) {
        onRecord(row.slice(1) as string[], local, Number(row[0]) + 1)
      }
    }
  } finally {
    db.close()
  }
}
