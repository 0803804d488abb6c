/**
 * @module
 * The input and model flags shared by `build` and `eval`, and their translation to BuildOptions.
 */

import type { ParseArgsConfig } from 'node:util'
import {
  type BuildOptions,
  type ColumnMaps,
  DEFAULT_BUILD_OPTIONS,
  type InputPaths,
} from '../offline/config'
import { COOC_SCORINGS, type CoocBuildOptions, type CoocScoring } from '../offline/cooc'
import { BuildError } from '../offline/errors'
import { parseColumnMap } from '../offline/ingest'
import { type Flags, keyValueFlag, listFlag, numberFlag, stringFlag } from './args'

export const INPUT_FLAGS: NonNullable<ParseArgsConfig['options']> = {
  boards: { type: 'string' },
  events: { type: 'string' },
  pins: { type: 'string' },
  'skip-bad-rows': { type: 'boolean' },
  'boards-col': { type: 'string', multiple: true },
  'events-col': { type: 'string', multiple: true },
  'pins-col': { type: 'string', multiple: true },
  'top-n': { type: 'string' },
  'max-board-size': { type: 'string' },
  'cooc-scoring': { type: 'string' },
  'cooc-board-weight': { type: 'string' },
  'diverse-min-size': { type: 'string' },
  'diverse-margin': { type: 'string' },
  'pin-degree-exponent': { type: 'string' },
  'cooc-threads': { type: 'string' },
  'walk-min-cooc': { type: 'string' },
  'walk-steps': { type: 'string' },
  'walk-restart': { type: 'string' },
  'walk-stop-pins': { type: 'string' },
  'walk-stop-visits': { type: 'string' },
  'session-gap': { type: 'string' },
  'action-weight': { type: 'string', multiple: true },
  'other-action-weight': { type: 'string' },
  'session-scoring': { type: 'string' },
  'session-max-distance': { type: 'string' },
  'session-decay': { type: 'string' },
  'pins-per-shard': { type: 'string' },
  'vector-dtype': { type: 'string' },
  dims: { type: 'string' },
  window: { type: 'string' },
  negatives: { type: 'string' },
  'ns-exponent': { type: 'string' },
  sample: { type: 'string' },
  epochs: { type: 'string' },
  'min-count': { type: 'string' },
  threads: { type: 'string' },
  seed: { type: 'string' },
  engine: { type: 'string' },
  'duckdb-memory': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
}

export const INPUT_HELP = `Inputs (CSV, TSV or JSONL, optionally .gz; see docs/data-format.md):
  --boards FILE            board_id,pin_id[,created_at]
  --events FILE            user_id,pin_id,action,timestamp
  --pins FILE              pin_id,title[,image_url,link]   (optional)
  --boards-col F=NAME      map a field to a column name (repeatable; also --events-col, --pins-col)
  --skip-bad-rows          skip and count malformed rows instead of failing
Model:
  --top-n N                neighbours per pin and source (50)
  --max-board-size N       boards above N pins are sampled down to N (1000)
  --cooc-scoring S         board pair score: raw | weighted | cosine | weighted-cosine | jaccard | lift
                           (weighted; formulas in src/offline/cooc/scoring.ts)
  --cooc-board-weight W    weight of a board of n pins: log = 1/log2(1+n), or a number α for n^-α (log)
  --diverse-min-size N     boards of N+ pins whose pins share no other boards are dropped; 0 = off (50)
  --diverse-margin X       ... when coherence <= baseline + X·(1 - baseline), baseline = random pairs (0.1)
  --pin-degree-exponent X  Pixie cap: a pin on d boards keeps its ceil(d^X) smallest boards; 1 = off (1)
  --cooc-threads N         threads for co-occurrence and walks, used when the work pays (2)
  --walk-min-cooc N        random walks for pins with < N co-occurrence neighbours; 0 = no walks (10)
  --walk-steps N --walk-restart X --walk-stop-pins N --walk-stop-visits N
                           walk budget per pin (100, × min(4, 1 + ln degree)), restart chance (0.5),
                           early stop once N pins were reached in V walks each (50, 4)
  --session-gap MIN        inactivity that ends a session, minutes (30)
  --action-weight A=W      weight of an action; 0 drops it (repeatable; save 1, click 0.75, closeup 0.5)
  --other-action-weight W  weight of actions not listed (0.5)
  --session-scoring S      session co-occurrence: damped | jaccard (damped)
  --session-max-distance N engagements further apart in a session do not pair (10)
  --session-decay X        per-step decay of a session pair's weight (0.8)
  --pins-per-shard N       pins per KV value (8)
  --vector-dtype T         int8 | float32 (int8)
  --dims N --window N --negatives N --ns-exponent X --sample X --epochs N --min-count N --threads N
                           Pin2Vec (skip-gram, negative sampling) settings
  --seed N                 seed for sampling and training (42)
  --engine E               where board and session co-occurrence run: node | duckdb (node);
                           duckdb runs sql/*.sql in embedded DuckDB (docs/scaling.md)
  --duckdb-memory SIZE     DuckDB memory_limit, e.g. 2GiB; it spills to disk above it
  --quiet                  no progress on stderr`

export function inputPaths(flags: Flags): InputPaths {
  return {
    boards: stringFlag(flags, 'boards'),
    events: stringFlag(flags, 'events'),
    pins: stringFlag(flags, 'pins'),
  }
}

export function columnMaps(flags: Flags): ColumnMaps {
  return {
    boards: parseColumnMap(listFlag(flags, 'boards-col')),
    events: parseColumnMap(listFlag(flags, 'events-col')),
    pins: parseColumnMap(listFlag(flags, 'pins-col')),
  }
}

export function buildOptions(flags: Flags): BuildOptions {
  const d = DEFAULT_BUILD_OPTIONS
  const int = { integer: true, min: 1 }
  const weights: Record<string, number> = { ...d.actionWeights }
  for (const [action, raw] of Object.entries(keyValueFlag(flags, 'action-weight'))) {
    const w = Number(raw)
    if (!Number.isFinite(w) || w < 0) {
      throw new BuildError(
        'config',
        `--action-weight ${action}=${raw}: weight must be a number >= 0`
      )
    }
    weights[action.toLowerCase()] = w
  }
  const vectorDtype = stringFlag(flags, 'vector-dtype') ?? d.vectorDtype
  if (vectorDtype !== 'int8' && vectorDtype !== 'float32') {
    throw new BuildError('config', `--vector-dtype must be int8 or float32, got '${vectorDtype}'`)
  }
  const optional = (name: string, check?: Parameters<typeof numberFlag>[3]): number | undefined =>
    flags[name] === undefined ? undefined : numberFlag(flags, name, 0, check)
  const seed = numberFlag(flags, 'seed', d.seed, { integer: true, min: 0 })
  const sessionScoring = stringFlag(flags, 'session-scoring') ?? d.sessionScoring
  if (sessionScoring !== 'damped' && sessionScoring !== 'jaccard') {
    throw new BuildError(
      'config',
      `--session-scoring must be damped or jaccard, got '${sessionScoring}'`
    )
  }
  const engine = stringFlag(flags, 'engine') ?? d.engine
  if (engine !== 'node' && engine !== 'duckdb') {
    throw new BuildError('config', `--engine must be node or duckdb, got '${engine}'`)
  }
  const duckdbMemoryLimit = stringFlag(flags, 'duckdb-memory')
  if (
    duckdbMemoryLimit !== undefined &&
    !/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(duckdbMemoryLimit)
  ) {
    throw new BuildError(
      'config',
      `--duckdb-memory must be a size like 2GiB or 512MB, got '${duckdbMemoryLimit}'`
    )
  }
  return {
    engine,
    duckdbMemoryLimit,
    topN: numberFlag(flags, 'top-n', d.topN, { ...int, max: 1000 }),
    maxBoardSize: numberFlag(flags, 'max-board-size', d.maxBoardSize, { integer: true, min: 2 }),
    cooc: coocOptions(flags, d.cooc),
    sessionGapMinutes: numberFlag(flags, 'session-gap', d.sessionGapMinutes, { min: 0 }),
    actionWeights: weights,
    otherActionWeight: numberFlag(flags, 'other-action-weight', d.otherActionWeight, { min: 0 }),
    sessionScoring,
    sessionMaxDistance: numberFlag(flags, 'session-max-distance', d.sessionMaxDistance, {
      integer: true,
      min: 1,
    }),
    sessionDecay: numberFlag(flags, 'session-decay', d.sessionDecay, { min: 0, max: 1 }),
    pinsPerShard: numberFlag(flags, 'pins-per-shard', d.pinsPerShard, int),
    popularCount: d.popularCount,
    holdout: d.holdout,
    holdoutMaxQueries: d.holdoutMaxQueries,
    tuneStep: d.tuneStep,
    vectorDtype,
    seed,
    pin2vec: {
      dims: optional('dims', { ...int, max: 1024 }),
      window: optional('window', int),
      negatives: optional('negatives', { integer: true, min: 0 }),
      nsExponent: optional('ns-exponent'),
      sample: optional('sample', { min: 0 }),
      epochs: optional('epochs', int),
      minCount: optional('min-count', int),
      threads: optional('threads', { ...int, max: 64 }),
      seed,
    },
  }
}

function coocOptions(flags: Flags, d: CoocBuildOptions): CoocBuildOptions {
  const scoring = stringFlag(flags, 'cooc-scoring') ?? d.scoring
  if (!(COOC_SCORINGS as readonly string[]).includes(scoring)) {
    throw new BuildError(
      'config',
      `--cooc-scoring must be one of ${COOC_SCORINGS.join(', ')}, got '${scoring}'`
    )
  }
  const weightRaw = stringFlag(flags, 'cooc-board-weight')
  const boardWeight =
    weightRaw === undefined || weightRaw === 'log'
      ? d.boardWeight
      : numberFlag(flags, 'cooc-board-weight', 0, { min: 0, max: 4 })
  const minCooc = numberFlag(flags, 'walk-min-cooc', d.walk.minCooc, { integer: true, min: 0 })
  return {
    scoring: scoring as CoocScoring,
    boardWeight,
    diverseMinSize: numberFlag(flags, 'diverse-min-size', d.diverseMinSize, {
      integer: true,
      min: 0,
    }),
    diverseMargin: numberFlag(flags, 'diverse-margin', d.diverseMargin, { min: 0, max: 1 }),
    pinDegreeExponent: numberFlag(flags, 'pin-degree-exponent', d.pinDegreeExponent, {
      min: 0.1,
      max: 1,
    }),
    threads: numberFlag(flags, 'cooc-threads', d.threads, { integer: true, min: 1, max: 64 }),
    walk: {
      enabled: minCooc > 0,
      minCooc,
      steps: numberFlag(flags, 'walk-steps', d.walk.steps, { integer: true, min: 1 }),
      restart: numberFlag(flags, 'walk-restart', d.walk.restart, { min: 0.01, max: 1 }),
      stopPins: numberFlag(flags, 'walk-stop-pins', d.walk.stopPins, { integer: true, min: 1 }),
      stopVisits: numberFlag(flags, 'walk-stop-visits', d.walk.stopVisits, {
        integer: true,
        min: 1,
      }),
    },
  }
}
