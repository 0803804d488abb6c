/**
 * @module
 * Request parameter parsing: validate once at the boundary, 400 with a clear message otherwise.
 */

import { ApiError } from './errors'

export const MAX_K = 100
export const DEFAULT_K = 20
export const MAX_ID_LENGTH = 256
/** Seeds of one multi-seed query: each may cost a KV read (Workers allow 1,000 per invocation). */
export const MAX_SEEDS = 50
export const MAX_CONTEXT = 10
export const MAX_EXCLUDE = 100
export const MAX_BODY_BYTES = 16 * 1024

const bad = (message: string): ApiError => new ApiError(400, 'bad_request', message)
const preview = (raw: string): string => JSON.stringify(raw.slice(0, 20))

/** Parse `k`: an integer from 1 to MAX_K, `fallback` when absent. */
export function parseK(raw: string | undefined, fallback = DEFAULT_K): number {
  if (raw === undefined || raw === '') {
    return fallback
  }
  const k = Number(raw)
  if (!/^\d+$/.test(raw) || !Number.isInteger(k) || k < 1 || k > MAX_K) {
    throw bad(`k must be an integer from 1 to ${MAX_K}, got '${raw.slice(0, 20)}'`)
  }
  return k
}

/** Pin ids are opaque strings, but bounded in length and free of control characters. */
export function parsePinId(raw: string): string {
  if (
    raw.length === 0 ||
    raw.length > MAX_ID_LENGTH ||
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
    /[\u0000-\u001f\u007f]/.test(raw) ||
    raw.includes('\ufffd')
  ) {
    throw bad(
      `pin id must be 1 to ${MAX_ID_LENGTH} characters without control characters, got ${preview(raw)}`
    )
  }
  return raw
}

/** A list of pin ids: comma-separated in a query string, or a JSON array in a body. */
export function parseIdList(
  raw: string | readonly unknown[] | undefined,
  name: string,
  max: number
): string[] {
  if (raw === undefined || raw === '') {
    return []
  }
  const items = typeof raw === 'string' ? raw.split(',') : raw
  if (items.length > max) {
    throw bad(`${name} takes at most ${max} pin ids, got ${items.length}`)
  }
  const ids: string[] = []
  for (const item of items) {
    if (typeof item !== 'string') {
      throw bad(`${name} must be a list of pin id strings`)
    }
    const id = parsePinId(item)
    if (!ids.includes(id)) {
      ids.push(id)
    }
  }
  return ids
}

/** `fallback=popular` (default) answers unknown or candidate-less pins with popular pins; `none` does not. */
export function parseFallback(raw: string | undefined): boolean {
  if (raw === undefined || raw === '' || raw === 'popular') {
    return true
  }
  if (raw === 'none') {
    return false
  }
  throw bad(`fallback must be 'popular' or 'none', got ${preview(raw)}`)
}

/** `seen=exclude` (default) never returns context pins; `seen=allow` lets them back in. */
export function parseSeen(raw: string | undefined): boolean {
  if (raw === undefined || raw === '' || raw === 'exclude') {
    return false
  }
  if (raw === 'allow') {
    return true
  }
  throw bad(`seen must be 'exclude' or 'allow', got ${preview(raw)}`)
}

/** Near-duplicate threshold: a cosine from 0 to 1 (1 keeps near duplicates). */
export function parseDedup(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') {
    return fallback
  }
  const x = Number(raw)
  if (!/^(0(\.\d{1,4})?|1(\.0{1,4})?)$/.test(raw) || !(x >= 0 && x <= 1)) {
    throw bad(`dedup must be a number from 0 to 1 with at most 4 decimals, got ${preview(raw)}`)
  }
  return x
}

/** Read a request body as text, refusing more than MAX_BODY_BYTES before buffering it all. */
export async function readBody(req: Request): Promise<string> {
  const declared = Number(req.headers.get('content-length') ?? '0')
  if (declared > MAX_BODY_BYTES) {
    throw bad(`request body must be at most ${MAX_BODY_BYTES} bytes, got ${declared}`)
  }
  if (!req.body) {
    return ''
  }
  const reader = req.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) {
      break
    }
    size += value.byteLength
    if (size > MAX_BODY_BYTES) {
      await reader.cancel()
      throw bad(`request body must be at most ${MAX_BODY_BYTES} bytes`)
    }
    chunks.push(value)
  }
  const all = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    all.set(chunk, at)
    at += chunk.byteLength
  }
  return new TextDecoder().decode(all)
}
