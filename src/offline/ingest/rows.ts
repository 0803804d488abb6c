/**
 * @module
 * Validates one record's values and builds the typed row for each input kind.
 */

import type { BoardRow, EventRow, InputKind, PinRow } from '../types'
import { parseTimestamp } from './timestamp'

/** Why a record was rejected: `field: reason` for the error, `field: short` as the skip-count key. */
export class RowProblem {
  constructor(
    readonly field: string,
    readonly reason: string,
    readonly short: string
  ) {}
}

/** Builds a row from a record's fields; `cols[k]` is where FIELDS[kind][k] sits, -1 when absent. */
export type RowBuilder<T> = (fields: string[], cols: readonly number[]) => T | RowProblem

const value = (fields: string[], col: number | undefined): string =>
  col === undefined || col < 0 ? '' : (fields[col] ?? '')

const empty = (field: string): RowProblem => new RowProblem(field, 'empty', 'empty')

function unparseable(field: string, text: string): RowProblem {
  const shown = text.length > 40 ? `${text.slice(0, 40)}...` : text
  return new RowProblem(field, `cannot parse '${shown}' as ISO-8601 or Unix time`, 'unparseable')
}

/** parseTimestamp with a one-entry cache: rows of one basket or session usually share a time. */
function createTimeParser(): (text: string) => number | null {
  let lastText = ''
  let lastTime: number | null = null
  return (text) => {
    if (text !== lastText) {
      lastText = text
      lastTime = parseTimestamp(text)
    }
    return lastTime
  }
}

export function boardBuilder(): RowBuilder<BoardRow> {
  const parseTime = createTimeParser()
  return (fields, cols) => {
    const boardId = value(fields, cols[0])
    const pinId = value(fields, cols[1])
    const created = value(fields, cols[2]).trim()
    if (boardId === '') {
      return empty('board_id')
    }
    if (pinId === '') {
      return empty('pin_id')
    }
    const createdAt = created === '' ? null : parseTime(created)
    if (created !== '' && createdAt === null) {
      return unparseable('created_at', created)
    }
    return { boardId, pinId, createdAt }
  }
}

export function eventBuilder(): RowBuilder<EventRow> {
  const parseTime = createTimeParser()
  return (fields, cols) => {
    const userId = value(fields, cols[0])
    const pinId = value(fields, cols[1])
    const action = value(fields, cols[2]).trim().toLowerCase()
    const time = value(fields, cols[3]).trim()
    if (userId === '') {
      return empty('user_id')
    }
    if (pinId === '') {
      return empty('pin_id')
    }
    if (action === '') {
      return empty('action')
    }
    if (time === '') {
      return empty('timestamp')
    }
    const timestamp = parseTime(time)
    if (timestamp === null) {
      return unparseable('timestamp', time)
    }
    return { userId, pinId, action, timestamp }
  }
}

export function pinBuilder(): RowBuilder<PinRow> {
  return (fields, cols) => {
    const pinId = value(fields, cols[0])
    if (pinId === '') {
      return empty('pin_id')
    }
    // A pin without a title is still a pin: the title is only shown, never used to relate pins.
    return {
      pinId,
      title: value(fields, cols[1]).trim(),
      imageUrl: value(fields, cols[2]).trim(),
      link: value(fields, cols[3]).trim(),
    }
  }
}

export type BuilderFor = { boards: BoardRow; events: EventRow; pins: PinRow }

export const BUILDERS: { [K in InputKind]: () => RowBuilder<BuilderFor[K]> } = {
  boards: boardBuilder,
  events: eventBuilder,
  pins: pinBuilder,
}
