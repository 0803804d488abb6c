/**
 * @module
 * Options of the session stages (sessionizing, session co-occurrence) as the build takes them,
 * with their defaults, and the one conversion to what `sessionize` runs on.
 */

import type { SessionScoring } from './session-cooc'
import type { SessionOptions } from './sessionize'

export type SessionStageOptions = {
  /** Inactivity gap that ends a session, in minutes. */
  gapMinutes: number
  /** Weight per action; actions not listed get `otherActionWeight`; weight 0 drops the action. */
  actionWeights: Record<string, number>
  otherActionWeight: number
  /**
   * Share of the events' time span, counted back from the last event, whose engagements make a
   * pin's `recentEngagement` (the blend's trend feature); 0 = none.
   */
  recentFraction: number
}

export type SessionCoocStageOptions = {
  /** See src/offline/sessions/session-cooc.ts. */
  scoring: SessionScoring
  /** Engagements further apart than this inside a session do not pair. */
  maxDistance: number
  /** Per-step decay of a session pair's weight with distance. */
  decay: number
  /** Weight of a pair whose candidate was engaged before the pin (1 = undirected). */
  backward: number
  /** How strongly a candidate's own mass damps its score (0.5 = symmetric cosine). */
  popularityExponent: number
  /** A session of n engagements weighs 1 / log2(1 + n)^lengthDamping (0 = every session alike). */
  lengthDamping: number
  /**
   * Choose decay, backward, popularityExponent and lengthDamping on the blend fit's held-out queries
   * (sessions/tune.ts) instead of using the values above; only for the 'damped' scoring.
   */
  tune: boolean
}

export const DEFAULT_SESSION_OPTIONS: SessionStageOptions = {
  gapMinutes: 30,
  actionWeights: { save: 1, click: 0.75, closeup: 0.5 },
  otherActionWeight: 0.5,
  recentFraction: 0.1,
}

export const DEFAULT_SESSION_COOC_OPTIONS: SessionCoocStageOptions = {
  scoring: 'damped',
  maxDistance: 10,
  decay: 0.8,
  backward: 1,
  popularityExponent: 0.5,
  lengthDamping: 1,
  tune: true,
}

/** Weight of every action code (`actions` is the events' action vocabulary, in code order). */
export function actionWeights(
  actions: readonly string[],
  options: SessionStageOptions
): Float64Array {
  return Float64Array.from(actions, (a) => options.actionWeights[a] ?? options.otherActionWeight)
}

/** What `sessionize` and `nextPinQueries` take: the gap in ms and a weight per action code. */
export function sessionizeOptions(
  actions: readonly string[],
  options: SessionStageOptions
): SessionOptions {
  return { gapMs: options.gapMinutes * 60_000, actionWeight: actionWeights(actions, options) }
}
