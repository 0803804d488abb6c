/**
 * @module
 * Request parameter parsing: validate once at the boundary, 400 with a clear message otherwise.
 */

import { ApiError } from './errors'

export const MAX_K = 100
export const DEFAULT_K = 20
const MAX_ID_LENGTH = 256

/** Parse `k`: an integer from 1 to MAX_K, DEFAULT_K when absent. */
export function parseK(raw: string | undefined): number {
  if (raw === undefined || raw === '') {
    return DEFAULT_K
  }
  const k = Number(raw)
  if (!/^\d+$/.test(raw) || !Number.isInteger(k) || k < 1 || k > MAX_K) {
    throw new ApiError(400, 'bad_request', `k must be an integer from 1 to ${MAX_K}, got '${raw.slice(0, 20)}'`)
  }
  return k
}

/** Pin ids are opaque strings, but bounded in length and free of control characters. */
export function parsePinId(raw: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (raw.length === 0 || raw.length > MAX_ID_LENGTH || /[\u0000-\u001f\u007f]/.test(raw)) {
    throw new ApiError(400, 'bad_request', `pin id must be 1 to ${MAX_ID_LENGTH} characters without control characters`)
  }
  return raw
}
