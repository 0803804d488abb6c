/**
 * @module
 * /v1/openapi.json, generated from the route definitions every route of `app` was registered
 * with (routes/definitions.ts), which also validate the requests: the document cannot drift from
 * the validation. test/worker/openapi.test.ts checks its paths against the routes the app serves
 * and against docs/api.md.
 */

import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from './env'
import { on, openapiRoute } from './routes/definitions'

/** Serve the OpenAPI 3.1 document of `app` (generated on first request, then kept). */
export function registerOpenApi(app: OpenAPIHono<AppEnv>): void {
  let document: unknown
  on(app, openapiRoute, (c) => {
    document ??= app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'related-pins',
        version: '1',
        description: 'Related pins served from Workers KV artifacts. See docs/api.md.',
      },
    })
    return c.json(document)
  })
}
