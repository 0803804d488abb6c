/**
 * @module
 * The build's options, nested by stage: each stage reads only its own part (plus the shared
 * `topN` and `seed`). Defaults live beside each stage; every field is a CLI flag, and the one
 * table of flags, help text and parsing is src/cli/build-flags.ts.
 */

import { type AssembleOptions, DEFAULT_ASSEMBLE_OPTIONS } from './assemble'
import { DEFAULT_HOLDOUT_OPTIONS, type HoldoutStageOptions } from './blend/options'
import {
  type CoocOptions,
  DEFAULT_COOC_OPTIONS,
  DEFAULT_WALK_OPTIONS,
  type WalkStageOptions,
} from './board-graph/options'
import { DEFAULT_ENGINE_OPTIONS, type EngineOptions } from './engines/options'
import { DEFAULT_PIN2VEC_OPTIONS, type Pin2VecOptions } from './pin2vec/options'
import {
  DEFAULT_SESSION_COOC_OPTIONS,
  DEFAULT_SESSION_OPTIONS,
  type SessionCoocStageOptions,
  type SessionStageOptions,
} from './sessions/options'

export type ColumnMaps = {
  boards: Partial<Record<string, string>>
  events: Partial<Record<string, string>>
  pins: Partial<Record<string, string>>
}

export type InputPaths = { boards?: string; events?: string; pins?: string }

export type IngestStageOptions = {
  /** Skip and count malformed rows instead of failing on the first. */
  skipBadRows: boolean
  /** Canonical field → the column name a file uses, per input. */
  columns: ColumnMaps
}

export type BuildOptions = {
  /** Neighbours kept per pin and per source (every source and the Pin2Vec neighbour search). */
  topN: number
  /** Seed of every sampled or trained stage. */
  seed: number
  ingest: IngestStageOptions
  /** Board co-occurrence and its pruning (src/offline/board-graph/options.ts). */
  cooc: CoocOptions
  /** Random walks on the board graph (src/offline/board-graph/options.ts). */
  walk: WalkStageOptions
  /** Sessionizing the events (src/offline/sessions/options.ts). */
  sessions: SessionStageOptions
  /** Session co-occurrence (src/offline/sessions/options.ts). */
  sessionCooc: SessionCoocStageOptions
  /** Pin2Vec training; its seed is the build's `seed` (src/offline/pin2vec/options.ts). */
  pin2vec: Omit<Pin2VecOptions, 'seed'>
  /** The blend fit on the build's own held-out events (src/offline/blend/options.ts). */
  blend: HoldoutStageOptions
  /** Shards and manifest (src/offline/assemble.ts). */
  assemble: AssembleOptions
  /** Where board and session co-occurrence run (src/offline/engines/options.ts). */
  engine: EngineOptions
}

const { seed: _pin2vecSeed, ...pin2vecDefaults } = DEFAULT_PIN2VEC_OPTIONS

export const DEFAULT_BUILD_OPTIONS: BuildOptions = {
  topN: 50,
  seed: 42,
  ingest: { skipBadRows: false, columns: { boards: {}, events: {}, pins: {} } },
  cooc: DEFAULT_COOC_OPTIONS,
  walk: DEFAULT_WALK_OPTIONS,
  sessions: DEFAULT_SESSION_OPTIONS,
  sessionCooc: DEFAULT_SESSION_COOC_OPTIONS,
  pin2vec: pin2vecDefaults,
  blend: DEFAULT_HOLDOUT_OPTIONS,
  assemble: DEFAULT_ASSEMBLE_OPTIONS,
  engine: DEFAULT_ENGINE_OPTIONS,
}

/** A deep copy of the defaults with `overrides` applied per stage (for tests and scripts). */
export function buildOptions(overrides: BuildOptionsOverrides = {}): BuildOptions {
  const d = structuredClone(DEFAULT_BUILD_OPTIONS)
  const out = { ...d } as Record<string, unknown>
  for (const [key, value] of Object.entries(overrides)) {
    const base = (d as Record<string, unknown>)[key]
    out[key] =
      value !== null && typeof value === 'object' && typeof base === 'object'
        ? { ...base, ...value }
        : value
  }
  return out as BuildOptions
}

/** Per-stage partial overrides of the build options. */
export type BuildOptionsOverrides = {
  [K in keyof BuildOptions]?: BuildOptions[K] extends object
    ? Partial<BuildOptions[K]>
    : BuildOptions[K]
}
