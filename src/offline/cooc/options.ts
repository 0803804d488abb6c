/**
 * @module
 * Options of the board-graph sources (co-occurrence scoring, pruning, walks) and their defaults;
 * each is a `build` flag (src/cli/build-flags.ts).
 */

import { availableParallelism } from 'node:os'
import { type BoardWeight, type CoocScoring, DEFAULT_COOC_SCORING } from './scoring'

export type CoocBuildOptions = {
  scoring: CoocScoring
  boardWeight: BoardWeight
  /** Boards of at least this size are tested for diversity (0 disables); see prune.ts. */
  diverseMinSize: number
  diverseMargin: number
  /** Pixie pin degree cap exponent δ: a pin keeps ceil(d^δ) boards; 1 disables. */
  pinDegreeExponent: number
  /** Worker threads for co-occurrence and walks (used only when the work pays for them). */
  threads: number
  walk: {
    enabled: boolean
    /** Pins with fewer co-occurrence neighbours than this get a walk. */
    minCooc: number
    steps: number
    restart: number
    stopPins: number
    stopVisits: number
  }
}

export const DEFAULT_COOC_OPTIONS: CoocBuildOptions = {
  scoring: DEFAULT_COOC_SCORING,
  boardWeight: 'log',
  diverseMinSize: 50,
  diverseMargin: 0.1,
  pinDegreeExponent: 1,
  threads: Math.min(2, availableParallelism()),
  walk: { enabled: true, minCooc: 10, steps: 100, restart: 0.5, stopPins: 50, stopVisits: 4 },
}
