/**
 * @module
 * Options of the board-graph sources, co-occurrence (with its pruning) and random walks, and
 * their defaults. Each field is a `build` flag; the flag table is src/cli/build-flags.ts.
 */

import { availableParallelism } from 'node:os'
import { type BoardWeight, type CoocScoring, DEFAULT_COOC_SCORING } from './scoring'

export type CoocOptions = {
  /** Boards above this size are sampled down to it before pair counting. */
  maxBoardSize: number
  scoring: CoocScoring
  boardWeight: BoardWeight
  /** Boards of at least this size are tested for diversity (0 disables); see prune.ts. */
  diverseMinSize: number
  diverseMargin: number
  /** Pixie pin degree cap exponent δ: a pin keeps ceil(d^δ) boards; 1 disables. */
  pinDegreeExponent: number
  /** Worker threads for co-occurrence and walks (used only when the work pays for them). */
  threads: number
}

/** Pixie-style random walks for pins whose co-occurrence list is short. */
export type WalkStageOptions = {
  /** Pins with fewer co-occurrence neighbours than this get a walk; 0 turns walks off. */
  minCooc: number
  /** Base step budget; a pin on d boards gets steps · min(4, 1 + ln d). */
  steps: number
  /** Chance of returning to the query pin after each pin → board → pin step. */
  restart: number
  /** Early stop once `stopPins` pins have each been reached in `stopVisits` walks. */
  stopPins: number
  stopVisits: number
}

export const DEFAULT_COOC_OPTIONS: CoocOptions = {
  maxBoardSize: 1000,
  scoring: DEFAULT_COOC_SCORING,
  boardWeight: 'log',
  diverseMinSize: 50,
  diverseMargin: 0.1,
  pinDegreeExponent: 1,
  threads: Math.min(2, availableParallelism()),
}

export const DEFAULT_WALK_OPTIONS: WalkStageOptions = {
  minCooc: 10,
  steps: 100,
  restart: 0.5,
  stopPins: 50,
  stopVisits: 4,
}
