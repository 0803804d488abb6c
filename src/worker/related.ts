/**
 * @module
 * The one path of every related-pins route: `relatedPins()` validates the seed pins and the query,
 * resolves the build and the normalised request once, before the handler; `answerRelated()` then
 * answers through the HTTP cache (ETag, memo, Cache API) or runs the query and renders it.
 */

import type { Context, MiddlewareHandler } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { PinRecord } from '../core/artifact'
import type { AppEnv } from './env'
import { ApiError } from './errors'
import { cachedAnswer, normalisedRequest } from './http-cache'
import { parsePinId } from './params'
import {
  canonicalParams,
  parseQuery,
  type QueryResult,
  type RawParams,
  type RelatedQuery,
  runQuery,
  summary,
} from './query'
import type { BuildView } from './store'

/** What `relatedPins()` leaves in `c.var.related`. */
export type RelatedRequest = { build: BuildView; query: RelatedQuery; normalised: string }

export type SeedsAndParams = { seeds: string[]; raw: RawParams }

export type RelatedPinsOptions = {
  /** k when the request does not give one. */
  defaultK: number
  /** Seeds and raw parameters of the request; default: the `:id` path pin and the query string. */
  read?: (c: Context<AppEnv>) => SeedsAndParams | Promise<SeedsAndParams>
  /** Multi-seed: GET and POST /v1/related share one normalised request, so one cache entry. */
  multi?: boolean
}

const pathPin = (c: Context<AppEnv>): SeedsAndParams => ({
  seeds: [parsePinId(c.req.param('id') ?? '')],
  raw: c.req.query(),
})

export function relatedPins(options: RelatedPinsOptions): MiddlewareHandler<AppEnv> {
  const read = options.read ?? pathPin
  const multi = options.multi ?? false
  return createMiddleware<AppEnv>(async function relatedPins(c, next) {
    // Validate before touching KV: a bad request costs no read.
    const { seeds, raw } = await read(c)
    const query = parseQuery(seeds, raw, c.var.config, options.defaultK)
    const build = await c.var.store.build()
    const url = multi ? new URL('/v1/related', c.req.url).href : c.req.url
    c.set('related', {
      build,
      query,
      normalised: normalisedRequest(url, canonicalParams(query, multi)),
    })
    await next()
  })
}

/** The cached answer of the request `relatedPins()` resolved, else `render` of a fresh query. */
export function answerRelated(
  c: Context<AppEnv>,
  render: (r: QueryResult) => Response | Promise<Response>
): Promise<Response> {
  const { build, query, normalised } = c.var.related
  return cachedAnswer(c, build, normalised, async () => render(await runQuery(build, query)))
}

/** The JSON body of GET /v1/pins/:id/related; /__debug/cpu serialises the same, to time it. */
export function pinAnswer(r: QueryResult, seed: PinRecord | undefined = r.found[0]) {
  return {
    pin: seed ? summary(seed.pin) : null,
    build: r.build,
    k: r.k,
    fallback: r.fallback,
    context: r.context,
    related: r.related,
  }
}

/** 404 unless a seed was found or the fallback answers in its place. */
export function requireAnswer(r: QueryResult, what: string): void {
  if (r.found.length === 0 && !r.fallback) {
    throw new ApiError(404, 'pin_not_found', `${what} in build ${r.build}`)
  }
}
