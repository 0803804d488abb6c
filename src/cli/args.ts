/**
 * @module
 * Flag parsing helpers for the CLI: typed numbers, repeatable KEY=VALUE flags, clear errors.
 */

import { type ParseArgsConfig, parseArgs } from 'node:util'
import { BuildError } from '../offline/errors'

export type Flags = Record<string, string | boolean | string[] | undefined>

export function parseFlags(
  command: string,
  argv: string[],
  options: NonNullable<ParseArgsConfig['options']>
): Flags {
  try {
    return parseArgs({
      args: argv,
      options: { help: { type: 'boolean', short: 'h' }, ...options },
      strict: true,
      allowPositionals: false,
    }).values as Flags
  } catch (err) {
    throw new BuildError(
      'config',
      `${command}: ${(err as Error).message} (see \`npx related-pins ${command} --help\`)`
    )
  }
}

export function numberFlag(
  flags: Flags,
  name: string,
  fallback: number,
  check?: { min?: number; max?: number; integer?: boolean }
): number {
  const raw = flags[name]
  if (raw === undefined) {
    return fallback
  }
  const value = Number(raw)
  const bad =
    typeof raw !== 'string' ||
    raw.trim() === '' ||
    !Number.isFinite(value) ||
    (check?.integer && !Number.isInteger(value)) ||
    (check?.min !== undefined && value < check.min) ||
    (check?.max !== undefined && value > check.max)
  if (bad) {
    const range = [
      check?.integer ? 'an integer' : 'a number',
      check?.min !== undefined ? `>= ${check.min}` : '',
      check?.max !== undefined ? `<= ${check.max}` : '',
    ]
      .filter(Boolean)
      .join(' ')
    throw new BuildError('config', `--${name} must be ${range}, got '${String(raw)}'`)
  }
  return value
}

export function stringFlag(flags: Flags, name: string): string | undefined {
  const raw = flags[name]
  return typeof raw === 'string' ? raw : undefined
}

/** Values of a repeatable flag, in order. */
export function listFlag(flags: Flags, name: string): string[] {
  const raw = flags[name]
  return Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : []
}

/** Parse repeatable `--flag KEY=VALUE` values into a record. */
export function keyValueFlag(flags: Flags, name: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const item of listFlag(flags, name)) {
    const eq = item.indexOf('=')
    if (eq <= 0 || eq === item.length - 1) {
      throw new BuildError('config', `--${name} expects KEY=VALUE, got '${item}'`)
    }
    out[item.slice(0, eq)] = item.slice(eq + 1)
  }
  return out
}
