/**
 * @module
 * The one schema of the HTTP API (zod, through @hono/zod-openapi): every request parameter is
 * declared here once, with its bounds, its default and its error message. Request validation
 * (`validate()`: `relatedPins()`, injection mode, the debug routes; config.ts checks the
 * DEDUP_THRESHOLD binding with `dedupOf`) and the OpenAPI document (the route definitions in
 * routes/definitions.ts) both come from these declarations.
 */

import { z } from '@hono/zod-openapi'
import { ApiError } from './errors'

export const MAX_K = 100
export const DEFAULT_K = 20
export const MAX_ID_LENGTH = 256
/** Seeds of one multi-seed query: each may cost a KV read (Workers allow 1,000 per invocation). */
export const MAX_SEEDS = 50
export const MAX_CONTEXT = 10
export const MAX_EXCLUDE = 100
export const MAX_BODY_BYTES = 16 * 1024

/** Where a value comes from: query strings carry text, a JSON body carries typed values. */
export type Source = 'query' | 'body'

/** The first 20 characters of a rejected value, JSON-quoted, for error messages. */
const preview = (raw: unknown): string => JSON.stringify(String(raw).slice(0, 20))

/** An absent or empty value means the parameter's default. */
const absent = (v: unknown): boolean => v === undefined || v === ''
const orUndefined = (v: unknown): unknown => (absent(v) ? undefined : v)

/**
 * Query values are text: one of the accepted `form` becomes the number the inner schema checks (and
 * the document describes); anything else stays as it came and fails that schema's type check.
 */
const numericText =
  (form: RegExp) =>
  (v: unknown): unknown =>
    absent(v) ? undefined : typeof v === 'string' && form.test(v) ? Number(v) : v

// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const NO_CONTROL = /^[^\u0000-\u001f\u007f\ufffd]*$/

/** A pin id; inside a list named `list`, a non-string item is reported as that list's error. */
const pinIdIn = (list?: string) =>
  z
    .string({
      error: (iss) =>
        list && iss.code === 'invalid_type'
          ? `${list} must be a list of pin id strings`
          : `pin id must be 1 to ${MAX_ID_LENGTH} characters without control characters, got ${preview(iss.input)}`,
    })
    .min(1)
    .max(MAX_ID_LENGTH)
    .regex(NO_CONTROL)

/** Pin ids are opaque strings, but bounded in length and free of control characters. */
export const pinId = pinIdIn().openapi({
  description: `pin id, 1 to ${MAX_ID_LENGTH} characters, no control characters (URL-encode it)`,
})

/** At most `max` pin ids (at least `min`), duplicates dropped, first occurrence kept. */
const idArray = (name: string, max: number, min = 0) =>
  z
    .array(pinIdIn(name), {
      // The schema's error also words its length checks (zod types it for the type check only).
      error: (iss) =>
        (iss.code as string) === 'too_big'
          ? `${name} takes at most ${max} pin ids, got ${(iss.input as unknown[]).length}`
          : (iss.code as string) === 'too_small' || iss.input === undefined
            ? `${name} is required: ${min} to ${max} seed pin ids`
            : `${name} must be an array of pin ids`,
    })
    .min(min)
    .max(max)
    .transform((ids) => [...new Set(ids)])

/** A list of pin ids: comma-separated in a query string, a JSON array in a body. */
export const idList = (name: string, max: number, source: Source, description: string, min = 0) =>
  source === 'body'
    ? (min > 0 ? idArray(name, max, min) : idArray(name, max).default([])).openapi({
        description: `${description}, at most ${max}`,
      })
    : z
        .preprocess(
          (v) => (absent(v) ? [] : typeof v === 'string' ? v.split(',') : v),
          idArray(name, max, min)
        )
        .openapi({
          type: 'string',
          description: `${description}: comma-separated pin ids, at most ${max}`,
        })

/** An integer from `min` to `max`; `fallback` when absent. */
export const integer = (
  name: string,
  min: number,
  max: number,
  source: Source,
  fallback: number
) => {
  const n = z
    .int({
      error: (iss) =>
        source === 'body' && typeof iss.input !== 'number'
          ? `${name} must be a number`
          : `${name} must be an integer from ${min} to ${max}, got '${String(iss.input).slice(0, 20)}'`,
    })
    .min(min)
    .max(max)
  const defaulted = n.default(fallback)
  return source === 'query'
    ? z.preprocess(numericText(/^\d+$/), defaulted)
    : z.preprocess(orUndefined, defaulted)
}

/** One of `values`; an absent or empty value means the first. */
const choice = <const T extends readonly [string, ...string[]]>(
  name: string,
  values: T,
  source: Source,
  description: string
) =>
  z
    .preprocess(
      orUndefined,
      z
        .enum(values, {
          error: (iss) =>
            source === 'body' && typeof iss.input !== 'string'
              ? `${name} must be a string`
              : `${name} must be ${values.map((v) => `'${v}'`).join(' or ')}, got ${preview(iss.input)}`,
        })
        .default(values[0])
    )
    .openapi({ description })

/**
 * Near-duplicate threshold: a cosine from 0 to 1 with at most 4 decimals (it is part of the cache
 * key, so its spellings are bounded); absent means the DEDUP_THRESHOLD binding's value.
 */
export const dedupOf = (source: Source, name = 'dedup') =>
  z
    .preprocess(
      source === 'query' ? numericText(/^[01](\.\d{1,4})?$/) : orUndefined,
      z
        .number({
          error: (iss) =>
            source === 'body' && typeof iss.input !== 'number'
              ? `${name} must be a number`
              : `${name} must be a number from 0 to 1 with at most 4 decimals, got ${preview(iss.input)}`,
        })
        .min(0)
        .max(1)
        .multipleOf(0.0001)
        .optional()
    )
    .openapi({
      description:
        'near-duplicate threshold: results whose embedding cosine exceeds it are collapsed (1 keeps them)',
    })

/** The parameters every related-pins route shares, in the order they are checked. */
const shared = (source: Source, defaultK: number) => ({
  k: integer('k', 1, MAX_K, source, defaultK).openapi({ description: 'number of results' }),
  exclude: idList(
    'exclude',
    MAX_EXCLUDE,
    source,
    'ids never returned, e.g. pins already on screen'
  ),
  context: idList(
    'context',
    MAX_CONTEXT,
    source,
    "the user's recently engaged pins, most recent first: the session model ranks candidates of every context pin, weighted by recency (records of at most 6 shards are read)"
  ),
  fallback: choice(
    'fallback',
    ['popular', 'none'],
    source,
    "'popular' answers an unknown or candidate-less pin with popular pins (fallback: true); 'none' gives 404 / an empty list"
  ),
  dedup: dedupOf(source),
  seen: choice(
    'seen',
    ['exclude', 'allow'],
    source,
    "'exclude' (default) never returns context pins; 'allow' lets them back in"
  ),
})

/** The `:id` path parameter of the one-pin routes. */
export const pinPath = z.object({ id: pinId })

/** The query of a one-pin route (`defaultK` differs: JSON 20, page 30, fragment 12). */
export const pinQuery = (defaultK: number) => z.object(shared('query', defaultK))

const seeds = (source: Source) => idList('pins', MAX_SEEDS, source, 'seed pin ids', 1)

/** GET /v1/related: the seeds and the shared parameters. */
export const multiQuery = z.object({ pins: seeds('query'), ...shared('query', DEFAULT_K) })

/** What a malformed body is told: the shape it should have. */
export const BODY_SHAPE = 'body must be a JSON object like {"pins": ["id", ...], "k": 20}'

/** POST /v1/related: the same parameters in a JSON object, ids as arrays (ids may contain commas). */
export const multiBody = z.strictObject(
  { pins: seeds('body'), ...shared('body', DEFAULT_K) },
  {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? `unknown body field ${JSON.stringify(iss.keys[0]?.slice(0, 20))}; expected ${BODY_FIELDS.join(', ')}`
        : BODY_SHAPE,
  }
)
const BODY_FIELDS: string[] = Object.keys(multiBody.shape)

/** The validated parameters every related-pins request shares (seeds aside). */
export type RelatedParams = z.output<ReturnType<typeof pinQuery>>

/** `value` parsed by `schema`, or a 400 bad_request naming its first problem. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value)
  if (!result.success) {
    throw new ApiError(400, 'bad_request', result.error.issues[0]?.message ?? 'invalid request')
  }
  return result.data
}
