/**
 * @module
 * Streaming readers for the three inputs (boards, events, pins) in CSV, TSV or JSONL, optionally gzipped.
 */

import type { BoardRow, EventRow, PinRow } from '../types'
import { type IngestOptions, readInput } from './reader'
import type { IngestReport } from './report'

export type { ColumnMap } from './fields'
export { FIELDS, parseColumnMap } from './fields'
export type { Format } from './input-file'
export type { IngestOptions } from './reader'
export type { IngestReport } from './report'
export { parseTimestamp } from './timestamp'

/** Boards: `board_id,pin_id` and an optional `created_at`. */
export function readBoards(
  path: string,
  onRow: (row: BoardRow) => void,
  options?: IngestOptions
): Promise<IngestReport> {
  return readInput('boards', path, onRow, options)
}

/** Events: `user_id,pin_id,action,timestamp`; the action is trimmed and lowercased. */
export function readEvents(
  path: string,
  onRow: (row: EventRow) => void,
  options?: IngestOptions
): Promise<IngestReport> {
  return readInput('events', path, onRow, options)
}

/** Pins: `pin_id,title` and optional `image_url`, `link` ('' when absent). */
export function readPins(
  path: string,
  onRow: (row: PinRow) => void,
  options?: IngestOptions
): Promise<IngestReport> {
  return readInput('pins', path, onRow, options)
}
