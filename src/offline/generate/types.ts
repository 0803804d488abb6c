/**
 * @module
 * Shapes of the synthetic world. Big per-event and per-membership columns are typed arrays so a
 * 50,000-pin world (~1.5M events) stays small in memory.
 */

export type GenerateOptions = {
  /** Number of pins (default 5000). */
  pins?: number
  /** PRNG seed; the same options always give byte-identical files (default 42). */
  seed?: number
  /** Number of topics (default pins/100, clamped to [8, 400]). */
  topics?: number
  /** Number of users (default pins * 0.6). */
  users?: number
  /** Weeks of activity the events and boards span (default 6). */
  weeks?: number
  /** Start of the span, Unix ms (default 2026-01-05T00:00:00Z, a Monday). */
  start?: number
}

export type ResolvedOptions = Required<GenerateOptions>

export type Topic = { id: number; name: string; theme: string; modifier: string; subject: string }

/** `topic` is the ground-truth topic id; the title is readable but never names it exactly. */
export type Pin = { id: string; title: string; imageUrl: string; link: string; topic: number }

export type User = { id: string; interests: number[] }

export type BoardKind = 'topic' | 'catchall' | 'spam'

export type Board = {
  id: string
  name: string
  kind: BoardKind
  owner: number
  /** The board's topic for `kind: 'topic'`, else -1. */
  topic: number
  createdAt: number
  /** Pin indices into `World.pins`, in the order they were added. */
  pins: Int32Array
  /** When each pin was added (ms), ascending; the first equals `createdAt`. */
  addedAt: Float64Array
}

export const ACTIONS = ['closeup', 'click', 'save'] as const

export type Action = (typeof ACTIONS)[number]

/** Column-wise events sorted by timestamp; `action` indexes ACTIONS, `session` indexes Sessions. */
export type Events = {
  length: number
  user: Int32Array
  pin: Int32Array
  action: Uint8Array
  timestamp: Float64Array
  session: Int32Array
}

/** Per session: its user and the interest topic it started in (drift events leave it). */
export type Sessions = { length: number; user: Int32Array; topic: Int32Array }

export type WorldCounts = {
  topics: number
  pins: number
  users: number
  boards: number
  topicBoards: number
  catchallBoards: number
  spamBoards: number
  memberships: number
  sessions: number
  events: number
  actions: Record<Action, number>
  pinsOnBoards: number
  pinsWithEvents: number
}

export type WorldSummary = { options: ResolvedOptions; counts: WorldCounts }

export type World = {
  options: ResolvedOptions
  topics: Topic[]
  pins: Pin[]
  users: User[]
  boards: Board[]
  sessions: Sessions
  events: Events
  /** Each pin's expected share of engagement (sums to 1): the Zipf ground truth. */
  popularity: Float64Array
  summary: WorldSummary
}
