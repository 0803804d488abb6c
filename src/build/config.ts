/**
 * @module
 * Build configuration with its defaults. Every field is a CLI flag (see README "CLI").
 */

import type { Pin2VecOptions } from './pin2vec'

export type ColumnMaps = {
  boards: Partial<Record<string, string>>
  events: Partial<Record<string, string>>
  pins: Partial<Record<string, string>>
}

export type InputPaths = { boards?: string; events?: string; pins?: string }

export type BuildOptions = {
  /** Neighbours kept per pin and per source. */
  topN: number
  /** Boards above this size are sampled down to it before pair counting. */
  maxBoardSize: number
  /** Inactivity gap that ends a session, in minutes. */
  sessionGapMinutes: number
  /** Weight per action; actions not listed get `otherActionWeight`; weight 0 drops the action. */
  actionWeights: Record<string, number>
  otherActionWeight: number
  /** Pins whose records share one KV value. */
  pinsPerShard: number
  /** Size of the fallback list of popular pins stored in the manifest. */
  popularCount: number
  vectorDtype: 'int8' | 'float32'
  pin2vec: Partial<Pin2VecOptions>
  seed: number
}

export const DEFAULT_BUILD_OPTIONS: BuildOptions = {
  topN: 50,
  maxBoardSize: 1000,
  sessionGapMinutes: 30,
  actionWeights: { save: 1, click: 1, closeup: 1 },
  otherActionWeight: 1,
  pinsPerShard: 32,
  popularCount: 100,
  vectorDtype: 'int8',
  pin2vec: {},
  seed: 42,
}
