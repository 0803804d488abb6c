/**
 * @module
 * The worker's bindings (`Env`, generated from wrangler.toml by `npm run cf-typegen`) parsed once
 * per isolate into typed settings. An empty or missing var means its default.
 */

import { DEFAULT_DEDUP_THRESHOLD } from '../core/rerank'
import { ConfigError } from './errors'
import { dedupOf } from './schema'

/** The DEDUP_THRESHOLD var takes what the dedup parameter takes (text, 0 to 1, 4 decimals). */
const DEDUP_THRESHOLD = dedupOf('query', 'DEDUP_THRESHOLD')

export type WorkerConfig = {
  /** Serve this build instead of the one named by the pointer key. */
  pinnedBuildId?: string
  /** Injection mode: paths the worker does not own are proxied to this origin (and only to it). */
  originUrl?: string
  /** Default near-duplicate threshold (cosine, 0..1; 1 disables the collapse). */
  dedupThreshold: number
  /** How long an isolate trusts the pointer key, in ms (store default when undefined). */
  pointerTtlMs?: number
  /** False when CACHE_API is 'off': the Cache API is skipped (ETag and Cache-Control stay). */
  cacheApi: boolean
  /** False when RESPONSE_MEMO is 'off': the isolate's memo of finished answers is skipped. */
  responseMemo: boolean
  /**
   * CACHE_ADMISSION: which miss of a request stores its answer in the memo and the Cache API,
   * 'second' (default: a request that missed before in this isolate, admission.ts) or 'first'.
   */
  cacheAdmission: 'first' | 'second'
  /** The /__debug routes, when DEBUG is '1'. Never in production. */
  debug: boolean
}

/** Bindings as they may arrive: vars missing from a test's or a deployment's config are undefined. */
export type Bindings = { ARTIFACTS: KVNamespace } & Partial<Omit<Env, 'ARTIFACTS'>>

const set = (value: string | undefined): string | undefined =>
  value === undefined || value === '' ? undefined : value

const parsed = new WeakMap<object, WorkerConfig | ConfigError>()

function dedupThreshold(raw: string | undefined): number {
  const result = DEDUP_THRESHOLD.safeParse(raw)
  if (!result.success) {
    throw new ConfigError(result.error.issues[0]?.message ?? 'DEDUP_THRESHOLD is invalid')
  }
  return result.data ?? DEFAULT_DEDUP_THRESHOLD
}

/**
 * The settings of `env`, parsed on first use and kept for the isolate's life; a ConfigError is
 * kept too, and thrown again without parsing again.
 */
export function workerConfig(env: Bindings): WorkerConfig {
  let config = parsed.get(env)
  if (config instanceof ConfigError) {
    throw config
  }
  if (!config) {
    try {
      config = parseConfig(env)
    } catch (err) {
      if (err instanceof ConfigError) {
        parsed.set(env, err)
      }
      throw err
    }
    parsed.set(env, config)
  }
  return config
}

function cacheAdmission(raw: string | undefined): WorkerConfig['cacheAdmission'] {
  const value = set(raw) ?? 'second'
  if (value !== 'first' && value !== 'second') {
    throw new ConfigError(`CACHE_ADMISSION must be 'first' or 'second', got '${value}'`)
  }
  return value
}

function parseConfig(env: Bindings): WorkerConfig {
  const ttl = Number(env.POINTER_TTL_MS)
  return {
    pinnedBuildId: set(env.ARTIFACT_BUILD_ID),
    originUrl: set(env.ORIGIN_URL),
    dedupThreshold: dedupThreshold(env.DEDUP_THRESHOLD),
    pointerTtlMs: set(env.POINTER_TTL_MS) && Number.isFinite(ttl) && ttl >= 0 ? ttl : undefined,
    cacheApi: env.CACHE_API !== 'off',
    responseMemo: env.RESPONSE_MEMO !== 'off',
    cacheAdmission: cacheAdmission(env.CACHE_ADMISSION),
    debug: env.DEBUG === '1',
  }
}
