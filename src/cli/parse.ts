/**
 * @module
 * Value parsers for CLI flags. Each throws commander's InvalidArgumentError, which commander turns
 * into one line naming the flag and the value (`error: option '--top-n <N>' argument ...`).
 */

import { InvalidArgumentError } from 'commander'
import { parseShardSlice, type ShardSlice } from '../offline/slice'

export type Range = { min?: number; max?: number }

function describe(kind: string, range: Range): string {
  if (range.min !== undefined && range.max !== undefined) {
    return `${kind} from ${range.min} to ${range.max}`
  }
  if (range.min !== undefined) {
    return `${kind} >= ${range.min}`
  }
  return range.max !== undefined ? `${kind} <= ${range.max}` : kind
}

function number(raw: string, range: Range, integer: boolean): number {
  const value = Number(raw)
  const bad =
    raw.trim() === '' ||
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value)) ||
    (range.min !== undefined && value < range.min) ||
    (range.max !== undefined && value > range.max)
  if (bad) {
    throw new InvalidArgumentError(
      `expected ${describe(integer ? 'an integer' : 'a number', range)}.`
    )
  }
  return value
}

/** An integer within `range`. */
export const int =
  (range: Range = {}) =>
  (raw: string): number =>
    number(raw, range, true)

/** A finite number within `range`. */
export const num =
  (range: Range = {}) =>
  (raw: string): number =>
    number(raw, range, false)

/** One of `choices`. */
export const oneOf =
  <T extends string>(choices: readonly T[]) =>
  (raw: string): T => {
    if (!(choices as readonly string[]).includes(raw)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}.`)
    }
    return raw as T
  }

/** Split `KEY=VALUE` (both non-empty). */
export function keyValue(raw: string): [string, string] {
  const eq = raw.indexOf('=')
  if (eq <= 0 || eq === raw.length - 1) {
    throw new InvalidArgumentError('expected KEY=VALUE.')
  }
  return [raw.slice(0, eq), raw.slice(eq + 1)]
}

/** `i/n`: one of n shard slices (`build --shard-slice`). */
export function shardSlice(raw: string): ShardSlice {
  const slice = parseShardSlice(raw)
  if (typeof slice === 'string') {
    throw new InvalidArgumentError(slice)
  }
  return slice
}
