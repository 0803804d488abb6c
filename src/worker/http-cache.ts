/**
 * @module
 * CDN caching: a strong ETag from the build id and the normalised request, 304 on a match,
 * Cache-Control that lets a CDN keep answers until the next build, and the Cache API under a key
 * that carries the build id, so an answer of one build is never served for another.
 */

import type { Context } from 'hono'
import { fnv1a32 } from '../core/hash'
import { secondMissFilter } from './admission'
import type { AppEnv } from './env'
import { responseMemo } from './response-memo'
import type { BuildView } from './store'

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

export const etagOf = (buildId: string, normalised: string): string =>
  `"${buildId}-${fnv1a32(normalised).toString(16)}"`

/**
 * Set ETag and Cache-Control for a response of `buildId` to the normalised request. Returns a 304
 * response when the client already holds it, else null.
 */
export function conditional(
  c: Context<AppEnv>,
  buildId: string,
  normalised: string
): Response | null {
  const etag = etagOf(buildId, normalised)
  c.header('ETag', etag)
  c.header('Cache-Control', CACHE_CONTROL)
  const ifNoneMatch = c.req.header('If-None-Match')
  if (
    c.req.method === 'GET' &&
    ifNoneMatch &&
    ifNoneMatch.split(',').some((tag) => tag.trim() === etag)
  ) {
    return c.body(null, 304)
  }
  return null
}

/** The Cache API key of a normalised request: same origin, build id in the path. */
export const cacheKey = (url: string, buildId: string, normalised: string): string =>
  `${new URL(url).origin}/__cache/${buildId}${normalised}`

/**
 * Which layer answered: `memo` (isolate answer memo), `cache-api`, or the ranking path with its
 * records from `shard-cache` (decoded shards in the isolate) or `kv` (at least one shard read).
 */
export type CacheLayer = 'memo' | 'cache-api' | 'shard-cache' | 'kv'

const usageHeaders = (res: Response, build: BuildView, layer?: CacheLayer): void => {
  res.headers.set('X-KV-Reads', String(build.kvReads))
  res.headers.set('X-KV-Bytes', String(build.kvBytes))
  res.headers.set('X-Cache-Layer', layer ?? (build.shardReads > 0 ? 'kv' : 'shard-cache'))
}

/**
 * Answer from the memo or the Cache API when one holds this exact (build, normalised request),
 * else produce the answer and, if the admission policy lets it (admission.ts: by default from the
 * request's second miss in this isolate), store it in the memo and, in the background, the Cache
 * API. ETag and 304 are handled first: they cost nothing.
 */
export async function cachedAnswer(
  c: Context<AppEnv>,
  build: BuildView,
  normalised: string,
  produce: () => Promise<Response>
): Promise<Response> {
  const buildId = build.manifest.buildId
  const notModified = conditional(c, buildId, normalised)
  if (notModified) {
    return notModified
  }
  const key = cacheKey(c.req.url, buildId, normalised)
  const memo = c.var.config.responseMemo ? responseMemo : null
  const remembered = memo?.get(key)
  if (remembered) {
    remembered.headers.set('X-Cache', 'MEMORY')
    usageHeaders(remembered, build, 'memo')
    return remembered
  }
  const cache = c.var.config.cacheApi ? caches.default : null
  const hit = cache ? await cache.match(key) : undefined
  if (hit) {
    const res = new Response(hit.body, hit)
    res.headers.set('X-Cache', 'HIT')
    usageHeaders(res, build, 'cache-api')
    await memo?.put(key, res)
    return res
  }
  const res = await produce()
  const store =
    res.status === 200 &&
    (memo || cache) &&
    (c.var.config.cacheAdmission === 'first' || secondMissFilter.admit(key))
  if (store) {
    await memo?.put(key, res)
  }
  res.headers.set('X-Cache', cache ? 'MISS' : 'BYPASS')
  usageHeaders(res, build)
  if (store && cache) {
    c.executionCtx.waitUntil(cache.put(key, res.clone()))
  }
  return res
}
