/**
 * @module
 * Row accounting for one input file: every row read ends up used or skipped for a named reason.
 */

import { BuildError } from '../errors'
import type { RowAccounting } from '../types'

/** The accounting plus the first few skipped-row messages, so a report can show what went wrong. */
export type IngestReport = RowAccounting & { examples: string[] }

export const MAX_EXAMPLES = 5

export type Tally = {
  report: IngestReport
  /** Count a row skipped by design (e.g. an empty line). */
  skip(reason: string): void
  /** A malformed row: throws `file:line: field: reason`, or counts it under `field: short` when skipping. */
  bad(lineNo: number, field: string, reason: string, short: string): void
}

export function createTally(file: string, skipBadRows: boolean): Tally {
  const report: IngestReport = { file, read: 0, used: 0, skipped: {}, examples: [] }
  const skip = (reason: string): void => {
    report.skipped[reason] = (report.skipped[reason] ?? 0) + 1
  }
  return {
    report,
    skip,
    bad(lineNo, field, reason, short) {
      const message = `${file}:${lineNo}: ${field}: ${reason}`
      if (!skipBadRows) {
        throw new BuildError('ingest', message)
      }
      skip(`${field}: ${short}`)
      if (report.examples.length < MAX_EXAMPLES) {
        report.examples.push(message)
      }
    },
  }
}
