import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { shardKey } from '../../src/core/artifact'
import { shardOf } from '../../src/core/hash'
import { createRandom, type Random } from '../../src/core/random'
import { startWorker, type TestWorker, type TinyBuild, tinyFixture } from './harness'

// ≥ 2,000 random and malformed requests with a fixed seed: no 5xx but the documented 503, and every
// error in the one JSON shape.
const REQUESTS = 2400
const SEED = 20261125

let built: TinyBuild
let worker: TestWorker
let corruptPin = ''

beforeAll(async () => {
  built = await tinyFixture()
  worker = await startWorker(built)
  const { manifest } = built.artifacts
  corruptPin = 'raised-bed'
  const kv = await worker.mf.getKVNamespace('ARTIFACTS')
  await kv.put(
    shardKey(manifest.buildId, shardOf(corruptPin, manifest.shardCount)),
    new Uint8Array([82, 80, 83, 49, 0, 9]).buffer
  )
})
afterAll(async () => {
  await worker?.dispose()
})

const pick = <T>(r: Random, items: readonly T[]): T => items[r.int(items.length)] as T

function junk(r: Random, max = 40): string {
  const alphabet = [
    'a',
    'Z',
    '9',
    '-',
    '_',
    '.',
    ',',
    '%',
    '%2',
    '%zz',
    '%00',
    '%E0%A4%A',
    '%F0%9F%98%80',
    '<',
    '>',
    '"',
    "'",
    '&',
    ';',
    '/',
    '\\',
    '?',
    '#',
    '=',
    ' ',
    '+',
    '😀',
    '\u0007',
    '..',
    '//',
    'é',
  ]
  let s = ''
  const n = r.int(max)
  for (let i = 0; i < n; i++) {
    s += pick(r, alphabet)
  }
  return s
}

function randomId(r: Random): string {
  const known = [
    'oak-table',
    'linen-runner',
    'copper-pan',
    'tomato-seeds',
    'raised-bed',
    '<script>alert(1)</script>',
    'lonely-pin',
    'no-such-pin',
  ]
  const roll = r.next()
  if (roll < 0.5) {
    return encodeURIComponent(pick(r, known))
  }
  if (roll < 0.6) {
    return 'x'.repeat(200 + r.int(200))
  }
  return junk(r)
}

function randomParams(r: Random): string {
  const parts: string[] = []
  const n = r.int(5)
  for (let i = 0; i < n; i++) {
    const name = pick(r, [
      'k',
      'exclude',
      'context',
      'fallback',
      'dedup',
      'pins',
      'reps',
      junk(r, 5),
    ])
    const value = pick(r, [
      String(r.int(130) - 10),
      '',
      '1e2',
      '0x10',
      'none',
      'popular',
      '0.5',
      '1.00001',
      Array.from({ length: r.int(60) }, () => randomId(r)).join(','),
      junk(r),
    ])
    parts.push(`${name}=${value}`)
  }
  return parts.length ? `?${parts.join('&')}` : ''
}

function randomRequest(r: Random): { path: string; init: RequestInit } {
  const shapes = [
    () => `/v1/pins/${randomId(r)}/related`,
    () => `/v1/related`,
    () => `/pins/${randomId(r)}`,
    () => `/fragments/pins/${randomId(r)}/related`,
    () =>
      pick(r, [
        '/',
        '/healthz',
        '/v1/openapi.json',
        '/__debug/routes',
        '/v1/pins//related',
        '/v1/pins/a/b/c',
      ]),
    () => `/${junk(r)}`,
  ]
  const path = pick(r, shapes)() + randomParams(r)
  const method =
    r.next() < 0.8 ? 'GET' : pick(r, ['POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'])
  const init: RequestInit = {
    method,
    headers: r.next() < 0.1 ? { 'If-None-Match': junk(r).replace(/[^\x20-\x7e]/g, '') } : {},
  }
  if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
    init.body = pick(r, [
      () =>
        JSON.stringify({
          pins: Array.from({ length: r.int(60) }, () => decodeURIComponentSafe(randomId(r))),
          k: r.int(120),
          context: r.next() < 0.5 ? ['oak-table'] : junk(r),
        }),
      () => junk(r, 200),
      () => `{"pins":${junk(r)}`,
      () => JSON.stringify({ pins: [corruptPin, 'oak-table'] }),
      () => 'x'.repeat(20_000),
      () => JSON.stringify([null, 1, {}]),
    ])()
  }
  return { path, init }
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

describe('fuzz', () => {
  it(`answers ${REQUESTS} random and malformed requests without undocumented 5xx, errors always in the JSON shape`, async () => {
    const r = createRandom(SEED)
    const requests = Array.from({ length: REQUESTS }, () => randomRequest(r))
    // Requests the corrupt shard too, so the documented 503 path is part of the run.
    requests.push({ path: `/v1/pins/${corruptPin}/related`, init: {} })
    const statuses = new Map<number, number>()
    const failures: string[] = []
    let next = 0
    const workerLoop = async (): Promise<void> => {
      while (next < requests.length) {
        const { path, init } = requests[next++]!
        let res: Response
        try {
          res = await fetch(`${worker.url.origin}${path}`, init) // concatenated: a path may start with //
        } catch (err) {
          // A URL the WHATWG parser itself rejects never reaches the worker.
          if (
            err instanceof TypeError &&
            /Invalid URL/i.test(String((err as { cause?: unknown }).cause ?? err.message))
          ) {
            continue
          }
          throw err
        }
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
        const text = await res.text()
        if (res.status >= 500 && res.status !== 503) {
          failures.push(`${init.method} ${path} → ${res.status} ${text.slice(0, 200)}`)
          continue
        }
        if (res.status >= 400 && init.method !== 'HEAD') {
          let body: unknown
          try {
            body = JSON.parse(text)
          } catch {
            failures.push(
              `${init.method} ${path} → ${res.status} non-JSON error: ${text.slice(0, 100)}`
            )
            continue
          }
          const e = (body as { error?: { code?: unknown; message?: unknown } }).error
          const shapeOk =
            Object.keys(body as object).length === 1 &&
            typeof e?.code === 'string' &&
            typeof e.message === 'string' &&
            Object.keys(e).length === 2
          if (!shapeOk || !res.headers.get('content-type')?.includes('application/json')) {
            failures.push(
              `${init.method} ${path} → ${res.status} bad error shape: ${text.slice(0, 100)}`
            )
          }
          if (res.status === 503 && e?.code !== 'artifacts_unavailable') {
            failures.push(`${init.method} ${path} → 503 with code ${String(e?.code)}`)
          }
        }
      }
    }
    await Promise.all(Array.from({ length: 16 }, workerLoop))
    expect(failures).toEqual([])
    const total = [...statuses.values()].reduce((a, b) => a + b, 0)
    expect(total).toBeGreaterThanOrEqual(2000)
    expect(statuses.get(200)).toBeGreaterThan(100)
    expect(statuses.get(400)).toBeGreaterThan(100)
    expect(statuses.get(503)).toBeGreaterThan(0)
  })
})
