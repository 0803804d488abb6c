/**
 * @module
 * The input and model flags shared by `build` and `eval`, and their translation to BuildOptions.
 */

import type { ParseArgsConfig } from 'node:util'
import { DEFAULT_BUILD_OPTIONS, type BuildOptions, type ColumnMaps, type InputPaths } from '../build/config'
import { BuildError } from '../build/errors'
import { parseColumnMap } from '../build/ingest'
import { keyValueFlag, numberFlag, stringFlag, type Flags } from './args'

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
  'session-gap': { type: 'string' },
  'action-weight': { type: 'string', multiple: true },
  'other-action-weight': { type: 'string' },
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
  --session-gap MIN        inactivity that ends a session, minutes (30)
  --action-weight A=W      weight of an action; 0 drops it (repeatable; save, click, closeup = 1)
  --other-action-weight W  weight of actions not listed (1)
  --pins-per-shard N       pins per KV value (32)
  --vector-dtype T         int8 | float32 (int8)
  --dims N --window N --negatives N --ns-exponent X --sample X --epochs N --min-count N --threads N
                           Pin2Vec (skip-gram, negative sampling) settings
  --seed N                 seed for sampling and training (42)
  --quiet                  no progress on stderr`

export function inputPaths(flags: Flags): InputPaths {
  return { boards: stringFlag(flags, 'boards'), events: stringFlag(flags, 'events'), pins: stringFlag(flags, 'pins') }
}

const listFlag = (flags: Flags, name: string): string[] => {
  const raw = flags[name]
  return Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : []
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
      throw new BuildError('config', `--action-weight ${action}=${raw}: weight must be a number >= 0`)
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
  return {
    topN: numberFlag(flags, 'top-n', d.topN, { ...int, max: 1000 }),
    maxBoardSize: numberFlag(flags, 'max-board-size', d.maxBoardSize, { integer: true, min: 2 }),
    sessionGapMinutes: numberFlag(flags, 'session-gap', d.sessionGapMinutes, { min: 0 }),
    actionWeights: weights,
    otherActionWeight: numberFlag(flags, 'other-action-weight', d.otherActionWeight, { min: 0 }),
    pinsPerShard: numberFlag(flags, 'pins-per-shard', d.pinsPerShard, int),
    popularCount: d.popularCount,
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
