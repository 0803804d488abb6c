/**
 * @module
 * The canonical fields of each input kind, and mapping them to the names a file actually uses.
 */

import { BuildError } from '../errors'
import type { InputKind } from '../types'

export type FieldSpec = { name: string; required: boolean }

export type ColumnMap = Partial<Record<string, string>>

/** Field order here is the order row builders read values in. */
export const FIELDS: Record<InputKind, readonly FieldSpec[]> = {
  boards: [
    { name: 'board_id', required: true },
    { name: 'pin_id', required: true },
    { name: 'created_at', required: false },
  ],
  events: [
    { name: 'user_id', required: true },
    { name: 'pin_id', required: true },
    { name: 'action', required: true },
    { name: 'timestamp', required: true },
  ],
  pins: [
    { name: 'pin_id', required: true },
    { name: 'title', required: true },
    { name: 'image_url', required: false },
    { name: 'link', required: false },
  ],
}

const ALL_FIELDS = [...new Set(Object.values(FIELDS).flatMap((specs) => specs.map((f) => f.name)))]

/** The CLI flag that maps columns for a kind, quoted in error messages so they say how to fix it. */
export const columnFlag = (kind: InputKind): string => `--${kind}-col`

/**
 * Parse `FIELD=NAME` specs (from repeated `--<kind>-col` flags) into a column map.
 * @example parseColumnMap(['pin_id=StockCode']) // { pin_id: 'StockCode' }
 */
export function parseColumnMap(specs: string[]): ColumnMap {
  const map: ColumnMap = {}
  for (const spec of specs) {
    const eq = spec.indexOf('=')
    const field = spec.slice(0, Math.max(eq, 0)).trim()
    const name = spec.slice(eq + 1).trim()
    if (eq === -1 || field === '' || name === '') {
      throw new BuildError(
        'config',
        `bad column mapping '${spec}': expected FIELD=NAME (e.g. pin_id=StockCode)`
      )
    }
    if (!ALL_FIELDS.includes(field)) {
      const known = ALL_FIELDS.join(', ')
      throw new BuildError(
        'config',
        `bad column mapping '${spec}': unknown field '${field}' (fields: ${known})`
      )
    }
    if (map[field] !== undefined) {
      const previous = map[field]
      throw new BuildError(
        'config',
        `bad column mapping '${spec}': ${field} is already mapped to '${previous}'`
      )
    }
    map[field] = name
  }
  return map
}

/** The name to look for in the file for each field of `kind`, in FIELDS order. */
export function sourceNames(kind: InputKind, columns: ColumnMap | undefined): string[] {
  const specs = FIELDS[kind]
  for (const [field, name] of Object.entries(columns ?? {})) {
    if (name !== undefined && !specs.some((f) => f.name === field)) {
      const known = specs.map((f) => f.name).join(', ')
      const message = `${columnFlag(kind)} ${field}=${name}: ${kind} have no field '${field}' (fields: ${known})`
      throw new BuildError('config', message)
    }
  }
  return specs.map((f) => columns?.[f.name] ?? f.name)
}

/**
 * Index of each field's column in a header row, -1 for an absent optional one.
 * Throws on a missing required (or explicitly mapped) column, naming the columns that are there.
 */
export function resolveHeader(
  kind: InputKind,
  header: string[],
  columns: ColumnMap | undefined,
  file: string
): number[] {
  const names = sourceNames(kind, columns)
  const cells = header.map((cell) => cell.trim())
  return FIELDS[kind].map((spec, k) => {
    const name = names[k] ?? spec.name
    const index = cells.indexOf(name)
    const mapped = columns?.[spec.name] !== undefined
    if (index === -1 && (spec.required || mapped)) {
      const what = mapped ? `column '${name}' for ${spec.name}` : `required column '${name}'`
      const hint = `map one with ${columnFlag(kind)} ${spec.name}=NAME`
      const present = cells.join(', ')
      throw new BuildError(
        'ingest',
        `${file}:1: header: missing ${what} (columns: ${present}; ${hint})`
      )
    }
    return index
  })
}
