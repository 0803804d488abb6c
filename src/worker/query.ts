/**
 * @module
 * A related-pins query, from parsed parameters to the JSON answer: the one code path behind the
 * JSON API, the HTML fragment, injection mode and the CPU benchmark route.
 */

import type { PinEntry, PinRecord } from '../core/artifact'
import { ArtifactError } from '../core/errors'
import { type RankedPin, recommend } from '../core/rerank'
import { readableContext } from '../core/session-model'
import type { WorkerConfig } from './config'
import type { RelatedParams } from './schema'
import type { BuildView } from './store'

export type RelatedQuery = {
  seeds: string[]
  k: number
  exclude: string[]
  /** Most recent first: order matters, the session model weights context pins by recency. */
  context: string[]
  fallback: boolean
  dedup: number
  /** Whether context pins may be returned (`seen=allow`). */
  allowSeen: boolean
}

export type PinSummary = {
  id: string
  title: string
  imageUrl: string
  link: string
  engagement: number
}

export type QueryResult = {
  build: string
  k: number
  /** Seeds found in the build (records in seed order) and the ids that were not. */
  found: PinRecord[]
  missing: string[]
  fallback: boolean
  /**
   * pins: context pins whose records ranked; ignored: unknown or their shard unavailable; unread:
   * past the read budget (MAX_RECORD_READS), still never returned.
   */
  context: { used: boolean; pins: string[]; ignored: string[]; unread: string[] } | null
  related: RankedPin[]
}

/** The query of validated parameters (schema.ts); an absent dedup is the binding's threshold. */
export function relatedQuery(
  seeds: string[],
  params: RelatedParams,
  config: Pick<WorkerConfig, 'dedupThreshold'>
): RelatedQuery {
  return {
    seeds,
    k: params.k,
    exclude: params.exclude,
    context: params.context,
    fallback: params.fallback === 'popular',
    dedup: params.dedup ?? config.dedupThreshold,
    allowSeen: params.seen === 'allow',
  }
}

/**
 * Canonical parameters of a query, for ETags and Cache API keys: deduplicated id lists, sorted
 * where order does not change the answer (context keeps its order: recency weights it), k as a
 * number, defaults spelled out, unknown params dropped.
 */
export function canonicalParams(q: RelatedQuery, multi: boolean): Record<string, string> {
  const sorted = (ids: string[]): string => [...ids].sort().join(',')
  const params: Record<string, string> = {
    k: String(q.k),
    fallback: q.fallback ? 'popular' : 'none',
    dedup: String(q.dedup),
  }
  if (multi) {
    params.pins = sorted(q.seeds)
  }
  if (q.exclude.length > 0) {
    params.exclude = sorted(q.exclude)
  }
  if (q.context.length > 0) {
    params.context = q.context.join(',')
  }
  if (q.allowSeen) {
    params.seen = 'allow'
  }
  return params
}

/** Context pins that cannot be read (unknown, or their shard is unavailable) are ignored, not fatal. */
async function contextRecord(build: BuildView, id: string): Promise<PinRecord | null> {
  try {
    return await build.record(id)
  } catch (err) {
    if (err instanceof ArtifactError) {
      return null
    }
    throw err
  }
}

/**
 * Run a query: seeds and the context pins that fit the read budget are read in parallel, at most
 * one KV read per distinct cold shard.
 */
export async function runQuery(build: BuildView, q: RelatedQuery): Promise<QueryResult> {
  const readable = new Set(readableContext(q.seeds, q.context, build.manifest.shardCount))
  const [seedRecords, contextRecords] = await Promise.all([
    Promise.all(q.seeds.map((id) => build.record(id))),
    Promise.all(q.context.map((id) => (readable.has(id) ? contextRecord(build, id) : null))),
  ])
  return rankQuery(build, q, seedRecords, contextRecords, readable)
}

/** The CPU part of a query, once its records are loaded (timed on its own by the bench). */
export function rankQuery(
  build: BuildView,
  q: RelatedQuery,
  seedRecords: (PinRecord | null)[],
  contextRecords: (PinRecord | null)[],
  readable: ReadonlySet<string> = new Set(q.context)
): QueryResult {
  const found = seedRecords.filter((r): r is PinRecord => r !== null)
  const missing = q.seeds.filter((_, i) => !seedRecords[i])
  const context: PinRecord[] = []
  const ignored: string[] = []
  const unread: string[] = []
  contextRecords.forEach((r, i) => {
    const id = q.context[i] as string
    if (r) {
      context.push(r)
    } else if (readable.has(id)) {
      ignored.push(id)
    } else {
      unread.push(id)
    }
  })
  const { manifest } = build
  const result = recommend(found, manifest.blend, manifest.popular, {
    k: q.k,
    exclude: new Set(q.exclude),
    context,
    unreadContext: [...ignored, ...unread],
    allowSeen: q.allowSeen,
    dedupThreshold: q.dedup,
    fallback: q.fallback,
  })
  return {
    build: manifest.buildId,
    k: q.k,
    found,
    missing,
    fallback: result.fallback,
    context:
      q.context.length > 0
        ? { used: context.length > 0, pins: context.map((r) => r.pin.id), ignored, unread }
        : null,
    related: result.related,
  }
}

export const summary = (pin: PinEntry): PinSummary => ({
  id: pin.id,
  title: pin.title,
  imageUrl: pin.imageUrl,
  link: pin.link,
  engagement: pin.engagement,
})
