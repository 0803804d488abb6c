/**
 * @module
 * Loads the three inputs into dense, column-oriented tables: string ids become integers once.
 */

import type { IngestStageOptions, InputPaths } from './config'
import { BuildError } from './errors'
import { type IngestReport, readBoards, readEvents, readPins } from './ingest'
import type { Logger } from './log'
import { float64Column, int32Column, remapColumn, Vocab } from './vocab'

export type PinMeta = { title: string[]; imageUrl: string[]; link: string[] }

export type BoardTable = {
  boards: Vocab
  board: Int32Array
  pin: Int32Array
  createdAt: Float64Array
}

export type EventTable = {
  users: Vocab
  actions: Vocab
  user: Int32Array
  pin: Int32Array
  action: Int32Array
  time: Float64Array
}

export type Inputs = {
  pins: Vocab
  meta: PinMeta
  boards: BoardTable | null
  events: EventTable | null
  reports: Partial<Record<'boards' | 'events' | 'pins', IngestReport>>
}

export type LoadOptions = IngestStageOptions

/** Boards or events must be given: pins alone have nothing to learn from. */
export function requireInputs(paths: InputPaths): void {
  if (!paths.boards && !paths.events) {
    throw new BuildError(
      'config',
      'give --boards, --events or both: there is nothing to learn from'
    )
  }
}

/** Read boards, events and pins (each optional, but boards or events must be given). */
export async function loadInputs(
  paths: InputPaths,
  options: LoadOptions,
  log: Logger
): Promise<Inputs> {
  requireInputs(paths)
  const pins = new Vocab()
  const reports: Inputs['reports'] = {}
  let boards: BoardTable | null = null
  let events: EventTable | null = null

  if (paths.boards) {
    const done = log.step('ingest', `reading boards ${paths.boards}`)
    const rows = log.counter('ingest', 'boards', { unit: 'rows' })
    const boardIds = new Vocab()
    const board = int32Column()
    const pin = int32Column()
    const createdAt = float64Column()
    reports.boards = await readBoards(
      paths.boards,
      (row) => {
        board.push(boardIds.intern(row.boardId))
        pin.push(pins.intern(row.pinId))
        createdAt.push(row.createdAt ?? Number.NaN)
        rows.add()
      },
      { skipBadRows: options.skipBadRows, columns: options.columns.boards }
    )
    boards = { boards: boardIds, board: board.view(), pin: pin.view(), createdAt: createdAt.view() }
    done(describe(reports.boards, `${boardIds.size.toLocaleString('en')} boards`))
  }

  if (paths.events) {
    const done = log.step('ingest', `reading events ${paths.events}`)
    const rows = log.counter('ingest', 'events', { unit: 'rows' })
    const users = new Vocab()
    const actions = new Vocab()
    const user = int32Column()
    const pin = int32Column()
    const action = int32Column()
    const time = float64Column()
    reports.events = await readEvents(
      paths.events,
      (row) => {
        user.push(users.intern(row.userId))
        pin.push(pins.intern(row.pinId))
        action.push(actions.intern(row.action))
        time.push(row.timestamp)
        rows.add()
      },
      { skipBadRows: options.skipBadRows, columns: options.columns.events }
    )
    events = {
      users,
      actions,
      user: user.view(),
      pin: pin.view(),
      action: action.view(),
      time: time.view(),
    }
    done(describe(reports.events, `${users.size.toLocaleString('en')} users`))
  }

  const meta: PinMeta = { title: [], imageUrl: [], link: [] }
  if (paths.pins) {
    const done = log.step('ingest', `reading pins ${paths.pins}`)
    reports.pins = await readPins(
      paths.pins,
      (row) => {
        const i = pins.intern(row.pinId)
        meta.title[i] = row.title
        meta.imageUrl[i] = row.imageUrl
        meta.link[i] = row.link
      },
      { skipBadRows: options.skipBadRows, columns: options.columns.pins }
    )
    done(describe(reports.pins, `${pins.size.toLocaleString('en')} pins in total`))
  }
  canonicalOrder(pins, meta, boards, events)
  return { pins, meta, boards, events, reports }
}

/**
 * Number pins, boards and actions in id order rather than first-seen order, so every tie-break
 * (by index) and sample (by hashed id) is independent of row order and the same in the SQL engines.
 */
function canonicalOrder(
  pins: Vocab,
  meta: PinMeta,
  boards: BoardTable | null,
  events: EventTable | null
): void {
  const pinRemap = pins.sortById()
  for (const key of ['title', 'imageUrl', 'link'] as const) {
    const old = meta[key]
    if (old.length > 0) {
      const next: string[] = []
      old.forEach((v, i) => {
        next[pinRemap[i]!] = v
      })
      meta[key] = next
    }
  }
  if (boards) {
    remapColumn(boards.pin, pinRemap)
    remapColumn(boards.board, boards.boards.sortById())
  }
  if (events) {
    remapColumn(events.pin, pinRemap)
    remapColumn(events.action, events.actions.sortById())
  }
}

function describe(report: IngestReport, extra: string): string {
  const skipped = Object.values(report.skipped).reduce((a, b) => a + b, 0)
  return `${report.read.toLocaleString('en')} rows read, ${report.used.toLocaleString('en')} used, ${skipped} skipped; ${extra}`
}
