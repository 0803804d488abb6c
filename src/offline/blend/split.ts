/**
 * @module
 * Temporal split for offline evaluation: train on what happened before a cut, test on the
 * sessions after it. Boards created after the cut are left out of training (no leakage); boards
 * without a timestamp are kept and counted, because they may leak.
 */

import { BuildError } from '../errors'
import type { BoardTable, EventTable, Inputs } from '../inputs'

export type SplitOptions = {
  /** Share of the events' time span at the end used as the test slice (default 0.2). */
  testFraction: number
  /** Share of the span just before the test slice used to tune the blend (default 0.1). */
  validationFraction: number
  /** Explicit test cut (ms); overrides testFraction. */
  testCut?: number
}

export type Split = {
  start: number
  validationCut: number
  testCut: number
  end: number
}

export function computeSplit(events: EventTable, options: SplitOptions): Split {
  if (events.time.length === 0) {
    throw new BuildError(
      'eval',
      'evaluation needs events: the test task is predicting the next engaged pin'
    )
  }
  let start = Infinity
  let end = -Infinity
  for (const t of events.time) {
    start = Math.min(start, t)
    end = Math.max(end, t)
  }
  const span = end - start
  const testCut = options.testCut ?? start + span * (1 - options.testFraction)
  if (!(testCut > start && testCut <= end)) {
    throw new BuildError(
      'eval',
      `test cut ${new Date(testCut).toISOString()} is outside the events' span ${new Date(start).toISOString()} .. ${new Date(end).toISOString()}`
    )
  }
  const validationCut =
    testCut - (testCut - start) * (options.validationFraction / (1 - options.testFraction))
  return { start, validationCut, testCut, end }
}

function sliceEvents(events: EventTable, keep: (t: number) => boolean): EventTable {
  const idx: number[] = []
  events.time.forEach((t, i) => {
    if (keep(t)) {
      idx.push(i)
    }
  })
  const ints = (col: Int32Array): Int32Array => Int32Array.from(idx, (i) => col[i]!)
  return {
    users: events.users,
    actions: events.actions,
    user: ints(events.user),
    pin: ints(events.pin),
    action: ints(events.action),
    time: Float64Array.from(idx, (i) => events.time[i]!),
  }
}

function sliceBoards(
  boards: BoardTable,
  cut: number
): { boards: BoardTable; dropped: number; undated: number } {
  const idx: number[] = []
  let dropped = 0
  let undated = 0
  boards.createdAt.forEach((t, i) => {
    if (Number.isNaN(t)) {
      undated++
      idx.push(i)
    } else if (t < cut) {
      idx.push(i)
    } else {
      dropped++
    }
  })
  return {
    boards: {
      boards: boards.boards,
      board: Int32Array.from(idx, (i) => boards.board[i]!),
      pin: Int32Array.from(idx, (i) => boards.pin[i]!),
      createdAt: Float64Array.from(idx, (i) => boards.createdAt[i]!),
    },
    dropped,
    undated,
  }
}

export type TrainingSlice = { inputs: Inputs; boardsAfterCut: number; undatedBoardRows: number }

/** Which inputs the sources may learn from: both, or one alone (to evaluate single-signal builds). */
export type TrainOn = 'all' | 'boards' | 'events'

/**
 * Inputs restricted to what was known before `cut` (same pin vocabulary, so ids line up), and to
 * the signals `trainOn` allows.
 */
export function trainingInputs(
  inputs: Inputs,
  cut: number,
  trainOn: TrainOn = 'all'
): TrainingSlice {
  const boards = inputs.boards && trainOn !== 'events' ? sliceBoards(inputs.boards, cut) : null
  const events =
    inputs.events && trainOn !== 'boards' ? sliceEvents(inputs.events, (t) => t < cut) : null
  return {
    inputs: { ...inputs, boards: boards?.boards ?? null, events },
    boardsAfterCut: boards?.dropped ?? 0,
    undatedBoardRows: boards?.undated ?? 0,
  }
}

/** Events in [from, to). */
export function eventsBetween(events: EventTable, from: number, to: number): EventTable {
  return sliceEvents(events, (t) => t >= from && t < to)
}
