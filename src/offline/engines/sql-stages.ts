/**
 * @module
 * The SQL stages in sql/ and their parameters: reads a stage's file and fills its {{name}}
 * placeholders from the build options, so every engine (embedded DuckDB, a cluster, a warehouse)
 * runs the same text. Each file is one SELECT; the caller materialises it under the stage's table.
 */

import { readFileSync } from 'node:fs'
import type { CoocScoring } from '../board-graph'
import { isRowNormalised, isUnweighted } from '../board-graph/scoring'
import type { BuildOptions } from '../config'
import { BuildError } from '../errors'

export const SQL_DIR = new URL('../../../sql/', import.meta.url)

/** Stage name → the table its SELECT is materialised as, in run order. */
export const SQL_STAGES = {
  'board-prune': 'board_pruned',
  'board-cooc': 'cooc_candidates',
  'session-cooc': 'session_candidates',
} as const
export type SqlStage = keyof typeof SQL_STAGES

/** A stage's SQL with every {{name}} replaced; fails on a placeholder without a value. */
export function renderStage(stage: SqlStage, params: Record<string, string | number>): string {
  const text = readFileSync(new URL(`${stage}.sql`, SQL_DIR), 'utf8')
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = params[name]
    if (value === undefined) {
      throw new BuildError('config', `sql/${stage}.sql: no value for {{${name}}}`)
    }
    return String(value)
  })
}

/** A number as a SQL literal: the shortest text that reads back as the same double. */
const num = (x: number): string => {
  if (!Number.isFinite(x)) {
    throw new BuildError('config', `SQL parameter must be finite, got ${x}`)
  }
  return String(x)
}

/** The per-board weight w(size) and the pair score, as SQL expressions (scoring.ts). */
export function scoringSql(
  scoring: CoocScoring,
  boardWeight: 'log' | number
): { boardWeight: string; pairScore: string; normalise: number } {
  const weight = isUnweighted(scoring)
    ? '1.0'
    : boardWeight === 'log'
      ? '1.0 / LOG2(1 + size)'
      : `POWER(CAST(size AS DOUBLE), -${num(boardWeight)})`
  const pair: Record<CoocScoring, string> = {
    raw: 'p.c',
    weighted: 'p.c',
    cosine: 'LEAST(1, p.c / SQRT(di.d * dj.d))',
    'weighted-cosine': 'LEAST(1, p.c / SQRT(di.d * dj.d))',
    jaccard: 'LEAST(1, p.c / (di.d + dj.d - p.c))',
    lift:
      'CASE WHEN p.c / t.total >= 1 THEN 1 ELSE ' +
      'LEAST(1, GREATEST(0, LN((p.c * t.total) / (di.d * dj.d)) / -LN(p.c / t.total))) END',
  }
  return {
    boardWeight: weight,
    pairScore: pair[scoring],
    normalise: isRowNormalised(scoring) ? 1 : 0,
  }
}

/** The board-cooc.sql predicate of pass `pass` of `passes` over the pins (hash32 of the pin id). */
export const pinPartSql = (pass: number, passes: number): string =>
  passes <= 1 ? 'TRUE' : `MOD(hash32(a.pin_id), ${passes}) = ${pass}`

/**
 * Estimated bytes DuckDB holds per (pin, board-mate) pair while counting pairs: the join feeds a
 * grouped aggregate and a window over its output. Calibrated on the 10M-membership engines bench
 * (docs/benchmarks.md): 134M pairs finished in a 4 GiB limit and failed in 2 GiB in one pass, so a
 * pair needs more than 16 B there; 64 B leaves room.
 */
export const DUCKDB_BYTES_PER_PAIR = 64

/**
 * Passes of board-cooc.sql so that each pass's pairs fit half of `memoryLimitBytes` (DuckDB needs
 * the rest for the tables it holds): 1 without a limit.
 */
export function coocPasses(pairs: number, memoryLimitBytes: number | null): number {
  if (!memoryLimitBytes || pairs <= 0) {
    return 1
  }
  return Math.max(1, Math.ceil((pairs * DUCKDB_BYTES_PER_PAIR) / (memoryLimitBytes / 2)))
}

/** Parameters of every stage from the build options (the same values the node engine uses). */
export function stageParams(options: BuildOptions): Record<string, string | number> {
  const s = scoringSql(options.cooc.scoring, options.cooc.boardWeight)
  return {
    seed: options.seed,
    top_n: options.topN,
    max_board_size: options.cooc.maxBoardSize,
    diverse_min_size: options.cooc.diverseMinSize,
    diverse_margin: num(options.cooc.diverseMargin),
    pin_degree_exponent: num(options.cooc.pinDegreeExponent),
    board_weight: s.boardWeight,
    pair_score: s.pairScore,
    normalise: s.normalise,
    // One pass over every pin; an engine that runs board-cooc.sql in passes sets it per pass.
    pin_part: 'TRUE',
    other_action_weight: num(options.sessions.otherActionWeight),
    gap_ms: num(options.sessions.gapMinutes * 60_000),
    max_distance: options.sessionCooc.maxDistance,
    decay: num(options.sessionCooc.decay),
    backward: num(options.sessionCooc.backward),
    popularity_exponent: num(options.sessionCooc.popularityExponent),
    length_damping: num(options.sessionCooc.lengthDamping),
    jaccard: options.sessionCooc.scoring === 'jaccard' ? 1 : 0,
  }
}
