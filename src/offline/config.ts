/**
 * @module
 * Build configuration with its defaults. Every field is a CLI flag (see README "CLI").
 */

import { type CoocBuildOptions, DEFAULT_COOC_OPTIONS } from './cooc'
import type { Pin2VecOptions } from './pin2vec'
import type { SessionScoring } from './sessions/session-cooc'

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
  /** Board co-occurrence scoring, pruning and random walks (src/offline/cooc/options.ts). */
  cooc: CoocBuildOptions
  /** Inactivity gap that ends a session, in minutes. */
  sessionGapMinutes: number
  /** Weight per action; actions not listed get `otherActionWeight`; weight 0 drops the action. */
  actionWeights: Record<string, number>
  otherActionWeight: number
  /** Session co-occurrence scoring (see src/offline/sessions/session-cooc.ts). */
  sessionScoring: SessionScoring
  /** Engagements further apart than this inside a session do not pair. */
  sessionMaxDistance: number
  /** Per-step decay of a session pair's weight with distance. */
  sessionDecay: number
  /** Pins whose records share one KV value. */
  pinsPerShard: number
  /** Size of the fallback list of popular pins stored in the manifest. */
  popularCount: number
  vectorDtype: 'int8' | 'float32'
  pin2vec: Partial<Pin2VecOptions>
  seed: number
  /** Where board and session co-occurrence run: this process, or embedded DuckDB (sql/). */
  engine: 'node' | 'duckdb'
  /** DuckDB memory_limit (e.g. '2GiB'); DuckDB spills to disk above it. */
  duckdbMemoryLimit?: string
  /** Share of the events' time span, at the end, held out to fit the blend (0 = default blend). */
  holdout: number
  /** Cap on held-out queries used to fit the blend (evenly spaced sample). */
  holdoutMaxQueries: number
  /** Grid step of the blend weight search. */
  tuneStep: number
}

export const DEFAULT_BUILD_OPTIONS: BuildOptions = {
  topN: 50,
  maxBoardSize: 1000,
  cooc: DEFAULT_COOC_OPTIONS,
  sessionGapMinutes: 30,
  actionWeights: { save: 1, click: 0.75, closeup: 0.5 },
  otherActionWeight: 0.5,
  sessionScoring: 'damped',
  sessionMaxDistance: 10,
  sessionDecay: 0.8,
  pinsPerShard: 8,
  popularCount: 100,
  vectorDtype: 'int8',
  pin2vec: {},
  seed: 42,
  engine: 'node',
  holdout: 0.1,
  holdoutMaxQueries: 20_000,
  tuneStep: 0.1,
}
