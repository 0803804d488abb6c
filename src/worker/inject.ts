/**
 * @module
 * Injection mode: with ORIGIN_URL set, paths the worker does not own are proxied to that origin
 * (only to it), and every `<div data-related-pins="ID">` in its HTML is filled with the
 * related-pins fragment by HTMLRewriter, streaming.
 */

import type { Context } from 'hono'
import { ArtifactError } from '../core/errors'
import type { AppEnv } from './env'
import { ApiError, logOnce } from './errors'
import { relatedQuery, runQuery } from './query'
import { pinPath, pinQuery, validate } from './schema'
import type { BuildView } from './store'
import { renderFragment } from './views/related-grid'

/** Paths the worker answers itself even in injection mode. */
const OWN_PATH = /^\/(v1\/|fragments\/|pins\/|healthz$|__debug\/)/

/** Placeholders filled per page: each may cost a KV read and some CPU. */
export const MAX_INJECTIONS = 10

export const ownsPath = (path: string): boolean => OWN_PATH.test(path)

/** A placeholder's `data-k` is the fragment route's `k` (default 12), checked by the same schema. */
const PLACEHOLDER_QUERY = pinQuery(12)

/** The origin URL for this request: the configured origin's scheme and host, the request's path. */
export function originTarget(originUrl: string, requestUrl: string): URL {
  const origin = new URL(originUrl)
  const req = new URL(requestUrl)
  // Concatenate rather than resolve: `new URL('//evil.example/', origin)` would leave the origin.
  const target = new URL(`${origin.origin}${req.pathname}${req.search}`)
  if (
    target.origin !== origin.origin ||
    (origin.protocol !== 'http:' && origin.protocol !== 'https:')
  ) {
    throw new ApiError(400, 'bad_request', 'request cannot be proxied to the configured origin')
  }
  return target
}

function placeholderQuery(c: Context<AppEnv>, el: Element) {
  try {
    const { id } = validate(pinPath, { id: el.getAttribute('data-related-pins') ?? '' })
    const params = validate(PLACEHOLDER_QUERY, { k: el.getAttribute('data-k') ?? undefined })
    return relatedQuery([id], params, c.var.config)
  } catch {
    return null // a malformed placeholder is left as the site wrote it
  }
}

async function fill(c: Context<AppEnv>, build: BuildView, el: Element): Promise<void> {
  const q = placeholderQuery(c, el)
  if (!q) {
    return
  }
  try {
    const r = await runQuery(build, q)
    el.setInnerContent(
      await renderFragment({ items: r.related, fallback: r.fallback, build: r.build }),
      { html: true }
    )
    el.setAttribute('data-related-pins-build', r.build)
  } catch (err) {
    if (!(err instanceof ArtifactError)) {
      throw err
    }
    logOnce(err) // the page still renders, with this placeholder as the site wrote it
  }
}

export async function proxyToOrigin(c: Context<AppEnv>): Promise<Response> {
  const target = originTarget(c.var.config.originUrl as string, c.req.url)
  const headers = new Headers(c.req.raw.headers)
  headers.delete('host')
  const method = c.req.method
  let res: Response
  try {
    res = await fetch(target, {
      method,
      headers,
      body: method === 'GET' || method === 'HEAD' ? undefined : c.req.raw.body,
      redirect: 'manual',
    })
  } catch {
    throw new ApiError(
      502,
      'origin_unreachable',
      `the origin ${new URL(c.var.config.originUrl as string).origin} did not answer`
    )
  }
  if (!(res.headers.get('content-type') ?? '').includes('text/html') || method === 'HEAD') {
    return new Response(res.body, res)
  }
  const build = await c.var.store.build()
  let filled = 0
  const rewritten = new HTMLRewriter()
    .on('div[data-related-pins]', {
      async element(el) {
        if (filled < MAX_INJECTIONS) {
          filled++
          await fill(c, build, el)
        }
      },
    })
    .transform(res)
  const out = new Response(rewritten.body, rewritten)
  // The body changed: the origin's validators and length no longer describe it.
  out.headers.delete('etag')
  out.headers.delete('last-modified')
  out.headers.delete('content-length')
  out.headers.set('X-Related-Pins-Build', build.manifest.buildId)
  return out
}
