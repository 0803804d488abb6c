/**
 * @module
 * One JSON error shape for the whole API, produced in one place.
 */

import type { Context, ErrorHandler, NotFoundHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { ArtifactError } from '../core/errors'
import type { AppEnv } from './env'

export type ErrorBody = { error: { code: string; message: string } }

export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string
  ) {
    super(status, { message })
  }
}

/**
 * A binding the worker cannot run with. Found once, when the config is parsed; every request then
 * answers 500 config_invalid with this message (the client's request is not at fault).
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  constructor(message: string) {
    super(`[config] ${message}`)
  }
}

const body = (code: string, message: string): ErrorBody => ({ error: { code, message } })

/** Errors are never cached and never carry the ETag of the answer that was being prepared. */
const noStore = (c: Context<AppEnv>): void => {
  c.header('Cache-Control', 'no-store')
  c.header('ETag', undefined)
}

// A bad shard fails every request for its pins; one log line per distinct failure is enough.
const logged = new Set<string>()
const MAX_LOGGED = 1000

/** Log an artifact error the first time this isolate sees it. */
export function logOnce(err: ArtifactError): void {
  const key = `${err.code}:${err.message}`
  if (logged.has(key)) {
    return
  }
  if (logged.size >= MAX_LOGGED) {
    logged.clear()
  }
  logged.add(key)
  console.error(JSON.stringify({ evt: 'artifact_error', code: err.code, message: err.message }))
}

export const onError: ErrorHandler<AppEnv> = (err, c) => {
  noStore(c)
  if (err instanceof ApiError) {
    return c.json(body(err.code, err.message), err.status)
  }
  if (err instanceof ArtifactError) {
    logOnce(err)
    return c.json(
      body(
        'artifacts_unavailable',
        `artifacts are missing or unreadable (${err.code}): ${err.message.replace('[artifact] ', '')}`
      ),
      503
    )
  }
  if (err instanceof ConfigError) {
    // The same error for every request of this isolate (config.ts keeps it): log it once.
    if (!logged.has(err.message)) {
      logged.add(err.message)
      console.error(JSON.stringify({ evt: 'config_error', message: err.message }))
    }
    return c.json(body('config_invalid', err.message), 500)
  }
  if (err instanceof HTTPException) {
    return c.json(body('bad_request', err.message), err.status)
  }
  console.error(err)
  return c.json(body('internal', 'Internal Server Error'), 500)
}

export const notFound: NotFoundHandler<AppEnv> = (c) => {
  noStore(c)
  return c.json(
    body('not_found', `no route for ${c.req.method} ${new URL(c.req.url).pathname}`),
    404
  )
}
