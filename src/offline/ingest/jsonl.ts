/**
 * @module
 * JSON Lines records: one object per line, turned into string fields in the kind's field order.
 */

import type { FieldSpec } from './fields'
import { RowProblem } from './rows'

/**
 * Parse one JSONL line into values for `specs` (looked up under `names`). Strings are kept as they
 * are, numbers become strings (ids, Unix times), absent or null optional fields become ''.
 */
export function jsonFields(
  line: string,
  specs: readonly FieldSpec[],
  names: readonly string[]
): string[] | RowProblem {
  let parsed: unknown
  try {
    parsed = JSON.parse(line)
  } catch (err) {
    return new RowProblem('row', `invalid JSON (${(err as Error).message})`, 'invalid JSON')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return new RowProblem('row', 'expected a JSON object', 'not an object')
  }
  const object = parsed as Record<string, unknown>
  const fields: string[] = []
  for (let k = 0; k < specs.length; k++) {
    const spec = specs[k] as FieldSpec
    const v = object[names[k] ?? spec.name]
    if (typeof v === 'string') {
      fields.push(v)
    } else if (typeof v === 'number' && Number.isFinite(v)) {
      fields.push(String(v))
    } else if (v === undefined || v === null) {
      if (spec.required) {
        return new RowProblem(spec.name, 'missing', 'missing')
      }
      fields.push('')
    } else {
      const type = Array.isArray(v) ? 'array' : typeof v
      return new RowProblem(spec.name, `expected a string or number, got ${type}`, 'wrong type')
    }
  }
  return fields
}
