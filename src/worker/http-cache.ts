/**
 * @module
 * CDN caching: a strong ETag from the build id and the normalised request, 304 on a match, and
 * Cache-Control that lets a CDN keep answers until the next build.
 */

import type { Context } from 'hono'
import { fnv1a32 } from '../core/hash'
import type { AppEnv } from './env'

export const CACHE_CONTROL = 'public, max-age=60, s-maxage=3600, stale-while-revalidate=86400'

/** Path plus query parameters sorted by name: equal requests get equal keys. */
export function normalisedRequest(url: string, params: Record<string, string>): string {
  const path = new URL(url).pathname
  const query = Object.keys(params)
    .sort()
    .map((name) => `${encodeURIComponent(name)}=${encodeURIComponent(params[name] as string)}`)
    .join('&')
  return query ? `${path}?${query}` : path
}

/**
 * Set ETag and Cache-Control for a response of `buildId` to the normalised request. Returns a 304
 * response when the client already holds it, else null.
 */
export function conditional(c: Context<AppEnv>, buildId: string, normalised: string): Response | null {
  const etag = `"${buildId}-${fnv1a32(normalised).toString(16)}"`
  c.header('ETag', etag)
  c.header('Cache-Control', CACHE_CONTROL)
  const ifNoneMatch = c.req.header('If-None-Match')
  if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim() === etag)) {
    return c.body(null, 304)
  }
  return null
}
