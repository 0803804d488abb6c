/**
 * @module
 * Reads one input file of any format into typed rows, with accounting and file:line errors.
 */

import { BuildError } from '../errors'
import type { InputKind } from '../types'
import { createRecordSplitter } from './csv'
import { type ColumnMap, FIELDS, resolveHeader, sourceNames } from './fields'
import { detectFormat, type Format, readText } from './input-file'
import { jsonFields } from './jsonl'
import { createLineSplitter, type LineSplitter } from './lines'
import { readParquetRows } from './parquet'
import { createTally, type IngestReport } from './report'
import { BUILDERS, type BuilderFor, RowProblem } from './rows'

export type IngestOptions = { skipBadRows?: boolean; columns?: ColumnMap; format?: Format }

/** Stream `file` and call `onRow` for each valid row; resolves with the file's accounting. */
export async function readInput<K extends InputKind>(
  kind: K,
  file: string,
  onRow: (row: BuilderFor[K]) => void,
  options?: IngestOptions
): Promise<IngestReport> {
  const { format, gzip } = detectFormat(file, options?.format)
  const tally = createTally(file, options?.skipBadRows ?? false)
  const { report } = tally
  const build = BUILDERS[kind]()
  const specs = FIELDS[kind]
  // Validate the column map before touching the file, so a typo fails fast.
  const names = sourceNames(kind, options?.columns)

  const emit = (fields: string[], cols: readonly number[], lineNo: number): void => {
    const row = build(fields, cols)
    if (row instanceof RowProblem) {
      tally.bad(lineNo, row.field, row.reason, row.short)
      return
    }
    report.used++
    onRow(row as BuilderFor[K])
  }
  const empty = (): void => {
    report.read++
    tally.skip('empty line')
  }

  if (format === 'parquet') {
    if (gzip) {
      throw new BuildError('ingest', `${file}: Parquet is compressed inside; drop the .gz`)
    }
    await readParquetRows(kind, file, options?.columns, (fields, cols, rowNo) => {
      report.read++
      emit(fields, cols, rowNo)
    })
    return report
  }

  let lines: LineSplitter
  let finish = (): void => {}
  if (format === 'jsonl') {
    const cols = specs.map((_, k) => k)
    lines = createLineSplitter((line, lineNo) => {
      if (line === '') {
        empty()
        return
      }
      report.read++
      const fields = jsonFields(line, specs, names)
      if (fields instanceof RowProblem) {
        tally.bad(lineNo, fields.field, fields.reason, fields.short)
        return
      }
      emit(fields, cols, lineNo)
    })
  } else {
    let cols: number[] | null = null
    let width = 0
    const records = createRecordSplitter(format === 'csv' ? ',' : '\t', format === 'csv', {
      record(fields, lineNo) {
        if (cols === null) {
          cols = resolveHeader(kind, fields, options?.columns, file)
          width = fields.length
          return
        }
        report.read++
        if (fields.length !== width) {
          tally.bad(
            lineNo,
            'row',
            `expected ${width} fields, got ${fields.length}`,
            'wrong field count'
          )
          return
        }
        emit(fields, cols, lineNo)
      },
      malformed(lineNo, reason, short) {
        if (cols === null) {
          throw new BuildError('ingest', `${file}:${lineNo}: header: ${reason}`)
        }
        report.read++
        tally.bad(lineNo, 'row', reason, short)
      },
      empty(lineNo) {
        if (cols === null) {
          const reason = 'empty line (the first line must name the columns)'
          throw new BuildError('ingest', `${file}:${lineNo}: header: ${reason}`)
        }
        empty()
      },
    })
    lines = createLineSplitter(records.line)
    finish = () => {
      records.end()
      if (cols === null) {
        throw new BuildError('ingest', `${file}:1: header: missing (the file is empty)`)
      }
    }
  }

  await readText(file, gzip, lines.push)
  lines.end()
  finish()
  return report
}
