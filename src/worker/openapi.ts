/**
 * @module
 * The OpenAPI description served at /v1/openapi.json. test/worker/openapi.test.ts checks its paths
 * against the routes the app registers and against docs/api.md.
 */

import { MAX_BODY_BYTES, MAX_CONTEXT, MAX_EXCLUDE, MAX_ID_LENGTH, MAX_K, MAX_SEEDS } from './params'

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const param = (
  name: string,
  description: string,
  schema: object,
  where: 'query' | 'path' = 'query'
) => ({
  name,
  in: where,
  required: where === 'path',
  description,
  schema,
})
const idList = (max: number) => ({
  type: 'string',
  description: `comma-separated pin ids, at most ${max}`,
})

const pinId = param(
  'id',
  `pin id, 1 to ${MAX_ID_LENGTH} characters, no control characters (URL-encode it)`,
  { type: 'string', maxLength: MAX_ID_LENGTH },
  'path'
)
const k = (fallback: number) =>
  param('k', 'number of results', {
    type: 'integer',
    minimum: 1,
    maximum: MAX_K,
    default: fallback,
  })
const common = [
  param('exclude', 'ids never returned, e.g. pins already on screen', idList(MAX_EXCLUDE)),
  param(
    'context',
    "the user's recently engaged pins, most recent first: the session model ranks candidates of every context pin, weighted by recency (records of at most 6 shards are read)",
    idList(MAX_CONTEXT)
  ),
  param(
    'fallback',
    "'popular' answers an unknown or candidate-less pin with popular pins (fallback: true); 'none' gives 404 / an empty list",
    { type: 'string', enum: ['popular', 'none'], default: 'popular' }
  ),
  param('seen', "'exclude' (default) never returns context pins; 'allow' lets them back in", {
    type: 'string',
    enum: ['exclude', 'allow'],
    default: 'exclude',
  }),
  param(
    'dedup',
    'near-duplicate threshold: results whose embedding cosine exceeds it are collapsed (1 keeps them)',
    { type: 'number', minimum: 0, maximum: 1 }
  ),
]

const errors = {
  '400': {
    description: 'invalid parameter (bad_request)',
    content: { 'application/json': { schema: ref('Error') } },
  },
  '404': {
    description: 'pin_not_found (only with fallback=none) or not_found',
    content: { 'application/json': { schema: ref('Error') } },
  },
  '503': {
    description:
      'artifacts_unavailable: the build, or the shard of this pin, is missing or corrupt',
    content: { 'application/json': { schema: ref('Error') } },
  },
}
const json = (schema: object, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
})
const html = (description: string) => ({
  description,
  content: { 'text/html': { schema: { type: 'string' } } },
})
const cached =
  '. Strong ETag (build id + normalised request), 304 on If-None-Match, Cache-Control with s-maxage and stale-while-revalidate.'

export const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'related-pins',
    version: '1',
    description: 'Related pins served from Workers KV artifacts. See docs/api.md.',
  },
  paths: {
    '/v1/pins/{id}/related': {
      get: {
        summary: `Related pins of one pin${cached}`,
        parameters: [pinId, k(20), ...common],
        responses: {
          '200': json(ref('RelatedAnswer')),
          '304': { description: 'not modified' },
          ...errors,
        },
      },
    },
    '/v1/related': {
      get: {
        summary: `Related pins of several seed pins, merged with a boost for pins reached from several seeds${cached}`,
        parameters: [param('pins', 'seed pin ids', { ...idList(MAX_SEEDS) }), k(20), ...common],
        responses: {
          '200': json(ref('MultiAnswer')),
          '304': { description: 'not modified' },
          ...errors,
        },
      },
      post: {
        summary: `Same as GET, parameters in a JSON body (at most ${MAX_BODY_BYTES} bytes; ids may contain commas)`,
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['pins'],
                additionalProperties: false,
                properties: {
                  pins: {
                    type: 'array',
                    items: { type: 'string' },
                    minItems: 1,
                    maxItems: MAX_SEEDS,
                  },
                  k: { type: 'integer', minimum: 1, maximum: MAX_K },
                  exclude: { type: 'array', items: { type: 'string' }, maxItems: MAX_EXCLUDE },
                  context: { type: 'array', items: { type: 'string' }, maxItems: MAX_CONTEXT },
                  fallback: { type: 'string', enum: ['popular', 'none'] },
                  dedup: { type: 'number', minimum: 0, maximum: 1 },
                  seen: { type: 'string', enum: ['exclude', 'allow'] },
                },
              },
            },
          },
        },
        responses: { '200': json(ref('MultiAnswer')), ...errors },
      },
    },
    '/v1/openapi.json': {
      get: { summary: 'This description', responses: { '200': json({ type: 'object' }) } },
    },
    '/healthz': {
      get: {
        summary: 'Build id, counts and sources (no-store)',
        responses: { '200': json({ type: 'object' }), '503': errors['503'] },
      },
    },
    '/': {
      get: {
        summary: `HTML page of popular pins${cached}`,
        responses: { '200': html('page'), '503': errors['503'] },
      },
    },
    '/pins/{id}': {
      get: {
        summary: `HTML page of a pin and a grid of its related pins${cached}`,
        parameters: [pinId, k(30), ...common],
        responses: { '200': html('page'), '304': { description: 'not modified' }, ...errors },
      },
    },
    '/fragments/pins/{id}/related': {
      get: {
        summary: `HTML fragment (a <section class="rp-related"> with its own scoped style) to embed into a page${cached}`,
        parameters: [pinId, k(12), ...common],
        responses: { '200': html('fragment'), '304': { description: 'not modified' }, ...errors },
      },
    },
  },
  components: {
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: { code: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
      Pin: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          title: { type: 'string' },
          imageUrl: { type: 'string' },
          link: { type: 'string' },
          score: { type: 'number' },
          sources: {
            type: 'object',
            description:
              'score of each source that proposed the pin (cooc: same boards, pin2vec: engaged with next, session, walk); empty for fallback pins',
            additionalProperties: { type: 'number' },
          },
          context: {
            type: 'number',
            description:
              'what the context pins gave this pin (recency-weighted blend scores), when context was used',
          },
          seeds: {
            type: 'integer',
            description: 'seed pins that reached this pin (multi-seed only)',
          },
        },
      },
      Context: {
        type: ['object', 'null'],
        properties: {
          used: { type: 'boolean' },
          pins: { type: 'array', items: { type: 'string' } },
          ignored: { type: 'array', items: { type: 'string' } },
          unread: { type: 'array', items: { type: 'string' } },
        },
      },
      RelatedAnswer: {
        type: 'object',
        properties: {
          pin: {
            type: ['object', 'null'],
            description: 'null when the pin is unknown (then fallback is true)',
          },
          build: { type: 'string' },
          k: { type: 'integer' },
          fallback: { type: 'boolean' },
          context: ref('Context'),
          related: { type: 'array', items: ref('Pin') },
        },
      },
      MultiAnswer: {
        type: 'object',
        properties: {
          pins: {
            type: 'array',
            items: {
              type: 'object',
              properties: { id: { type: 'string' }, found: { type: 'boolean' } },
            },
          },
          build: { type: 'string' },
          k: { type: 'integer' },
          fallback: { type: 'boolean' },
          context: ref('Context'),
          related: { type: 'array', items: ref('Pin') },
        },
      },
    },
  },
} as const
