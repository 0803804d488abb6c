/**
 * @module
 * Typed input rows, after ingest and validation. Timestamps are Unix milliseconds.
 */

export type BoardRow = { boardId: string; pinId: string; createdAt: number | null }

export type EventRow = { userId: string; pinId: string; action: string; timestamp: number }

export type PinRow = { pinId: string; title: string; imageUrl: string; link: string }

export type InputKind = 'boards' | 'events' | 'pins'

/** Counts for one input file: every row read is either used or skipped for a named reason. */
export type RowAccounting = {
  file: string
  read: number
  used: number
  skipped: Record<string, number>
}
