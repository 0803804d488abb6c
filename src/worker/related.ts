/**
 * @module
 * The one path of every related-pins route: `relatedPins()` validates the seed pins and the query
 * with the schemas of the route's definition (routes/definitions.ts, from which the OpenAPI
 * document is generated too), resolves the build and the normalised request once, before the
 * handler; `answerRelated()` then answers through the HTTP cache (ETag, memo, Cache API) or runs
 * the query and renders it.
 */

import type { Context, MiddlewareHandler } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { PinRecord } from '../core/artifact'
import { readJsonBody } from './body'
import type { AppEnv } from './env'
import { ApiError } from './errors'
import { cachedAnswer, normalisedRequest } from './http-cache'
import {
  canonicalParams,
  type QueryResult,
  type RelatedQuery,
  relatedQuery,
  runQuery,
  summary,
} from './query'
import {
  type multiBody,
  type multiQuery,
  type pinPath,
  type pinQuery,
  type RelatedParams,
  validate,
} from './schema'
import type { BuildView } from './store'

/** What `relatedPins()` leaves in `c.var.related`. */
export type RelatedRequest = { build: BuildView; query: RelatedQuery; normalised: string }

export type SeedsAndParams = { seeds: string[]; params: RelatedParams }

/** How a route reads its seeds and parameters, validated by the schemas of its definition. */
export type RequestReader = (c: Context<AppEnv>) => SeedsAndParams | Promise<SeedsAndParams>

/** A one-pin route: the `:id` path pin, then the query (the first problem found is reported). */
export const pinRequest =
  (route: {
    request: { params: typeof pinPath; query: ReturnType<typeof pinQuery> }
  }): RequestReader =>
  (c) => {
    const { id } = validate(route.request.params, c.req.param())
    return { seeds: [id], params: validate(route.request.query, c.req.query()) }
  }

/** GET /v1/related: the seeds are the `pins` of the query. */
export const multiGetRequest =
  (route: { request: { query: typeof multiQuery } }): RequestReader =>
  (c) => {
    const { pins, ...params } = validate(route.request.query, c.req.query())
    return { seeds: pins, params }
  }

/** POST /v1/related: the same parameters in a JSON body. */
export const multiPostRequest =
  (route: {
    request: { body: { content: { 'application/json': { schema: typeof multiBody } } } }
  }): RequestReader =>
  async (c) => {
    const schema = route.request.body.content['application/json'].schema
    const { pins, ...params } = validate(schema, await readJsonBody(c.req.raw))
    return { seeds: pins, params }
  }

export type RelatedPinsOptions = {
  /** Seeds and validated parameters of the request. */
  read: RequestReader
  /** Multi-seed: GET and POST /v1/related share one normalised request, so one cache entry. */
  multi?: boolean
}

export function relatedPins(options: RelatedPinsOptions): MiddlewareHandler<AppEnv> {
  const multi = options.multi ?? false
  return createMiddleware<AppEnv>(async function relatedPins(c, next) {
    // Validate before touching KV: a bad request costs no read.
    const { seeds, params } = await options.read(c)
    const query = relatedQuery(seeds, params, c.var.config)
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
