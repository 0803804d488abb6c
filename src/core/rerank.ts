/**
 * @module
 * Request-time re-ranking on top of rankRelated's blend: several seed pins merged Pixie-style, the
 * session model when the user's recent pins (context) are given, near-duplicate collapse and the
 * popular fallback. Runtime-neutral, so offline evaluation can score exactly what the worker serves.
 */

import type { BlendParams, PinEntry, PinRecord, PopularPin } from './artifact/format'
import { signatureBits, signatureCosine, signatureOf } from './artifact/signature'
import { type RelatedPin, rankRelated } from './blend'
import { cosine } from './quantize'
import { DEFAULT_SESSION, type SeedList, scoreSession, sessionCandidates } from './session-model'

/**
 * How close two pins are: the cosine of their vectors when both are in memory (record pins), else
 * the estimate from their sign signatures (candidates in format v2 carry no vector), else null.
 */
export function pinSimilarity(a: PinEntry, b: PinEntry, dims: number): number | null {
  if (a.vector && b.vector && a.vector.length === b.vector.length) {
    return cosine(a.vector, b.vector)
  }
  const sa = a.signature ?? (a.vector ? signatureOf(a.vector, dims) : null)
  const sb = b.signature ?? (b.vector ? signatureOf(b.vector, dims) : null)
  return sa && sb ? signatureCosine(sa, sb, signatureBits(dims)) : null
}

export type RankedPin = RelatedPin & {
  /** What the context seeds gave this pin (recency-weighted, normalised blend scores), when used. */
  context?: number
  /** How many seed pins proposed this pin (multi-seed queries only). */
  seeds?: number
}

export type RerankOptions = {
  k: number
  /** Ids never returned (pins already on screen); seeds and context pins are never returned either. */
  exclude?: ReadonlySet<string>
  /**
   * Records of the user's recently engaged pins, most recent first (see readableContext): with
   * any, the session model ranks (src/core/session-model.ts).
   */
  context?: readonly PinRecord[]
  /** Ids of context pins that were not read (over the read budget): never returned either. */
  unreadContext?: readonly string[]
  /** Let context pins be returned (the query pin never is). */
  allowSeen?: boolean
  /** Seed lists reused across calls (offline evaluation only). */
  memo?: Map<string, SeedList>
  /** Two results whose vectors have a cosine above this are near duplicates: the lower one is dropped. */
  dedupThreshold?: number
}

export type Recommendation = { related: RankedPin[]; fallback: boolean }

/**
 * Off by default (1 keeps everything): on session data, Pin2Vec vectors of pins of one topic are
 * often above 0.98 apart from any true duplicate, and collapsing at 0.98 cost 13 points of served
 * recall@20 on the generated data (`related-pins eval`). Sites with real duplicates set `dedup`.
 */
export const DEFAULT_DEDUP_THRESHOLD = 1

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4

/** `order` is first-seen rank: ties keep rankRelated's order, so one seed without context changes nothing. */
type Merged = { pin: RankedPin; root: number; entry: PinEntry; order: number }

/**
 * Merge the ranked candidates of every seed. A pin reached from several seeds scores
 * (Σ √score_i)², Pixie's multi-seed boost: it rewards agreement between seeds more than a sum
 * would, and equals the plain blend score when there is one seed.
 */
function mergeSeeds(
  seeds: readonly PinRecord[],
  blend: BlendParams,
  skip: ReadonlySet<string>,
  keep: number
): Merged[] {
  const merged = new Map<string, Merged>()
  for (const record of seeds) {
    const entries = new Map<string, PinEntry>()
    for (const c of record.candidates) {
      entries.set(c.pin.id, c.pin)
    }
    const k = Math.min(keep, record.candidates.length)
    for (const item of rankRelated(record, blend, { k, exclude: skip })) {
      const root = Math.sqrt(Math.max(0, item.score))
      const seen = merged.get(item.id)
      if (!seen) {
        merged.set(item.id, {
          pin: seeds.length > 1 ? { ...item, seeds: 1 } : item,
          root,
          entry: entries.get(item.id) as PinEntry,
          order: merged.size,
        })
        continue
      }
      seen.root += root
      seen.pin.seeds = (seen.pin.seeds ?? 1) + 1
      for (const [source, score] of Object.entries(item.sources) as [
        keyof RelatedPin['sources'],
        number,
      ][]) {
        seen.pin.sources[source] = Math.max(seen.pin.sources[source] ?? 0, score)
      }
    }
  }
  const out = [...merged.values()]
  if (seeds.length > 1) {
    for (const m of out) {
      m.pin.score = round4(m.root * m.root)
    }
  }
  return out
}

/** Greedy collapse in rank order: keep a pin unless it is a near duplicate of one already kept. */
function collapse(ranked: Merged[], k: number, threshold: number, dims: number): RankedPin[] {
  const kept: Merged[] = []
  for (const m of ranked) {
    if (kept.length >= k) {
      break
    }
    const duplicate =
      threshold < 1 &&
      m.entry &&
      kept.some((o) => o.entry && (pinSimilarity(m.entry, o.entry, dims) ?? -1) > threshold)
    if (!duplicate) {
      kept.push(m)
    }
  }
  return kept.map((m) => m.pin)
}

/** The fallback: the build's most engaged pins, scored by engagement relative to the top one. */
export function popularFallback(
  popular: readonly PopularPin[],
  k: number,
  skip: ReadonlySet<string>
): RankedPin[] {
  const top = Math.max(1, ...popular.map((p) => p.engagement))
  const out: RankedPin[] = []
  for (const p of popular) {
    if (out.length >= k) {
      break
    }
    if (!skip.has(p.id)) {
      out.push({
        id: p.id,
        title: p.title,
        imageUrl: p.imageUrl,
        link: p.link,
        score: round4(p.engagement / top),
        sources: {},
      })
    }
  }
  return out
}

/** The ids an answer never holds: `exclude`, the seeds and, unless allowed, the context pins. */
export function skippedIds(seeds: readonly PinRecord[], options: RerankOptions): Set<string> {
  const skip = new Set(options.exclude ?? [])
  for (const s of seeds) {
    skip.add(s.pin.id)
  }
  if (!options.allowSeen) {
    for (const r of options.context ?? []) {
      skip.add(r.pin.id)
    }
    for (const id of options.unreadContext ?? []) {
      skip.add(id)
    }
  }
  return skip
}

/** The session model's ranking of the seeds' and context's candidates. */
function sessionRanked(
  seeds: readonly PinRecord[],
  blend: BlendParams,
  options: RerankOptions,
  skip: ReadonlySet<string>
): Merged[] {
  const params = blend.session ?? DEFAULT_SESSION
  const candidates = sessionCandidates(seeds, options.context ?? [], blend, params, {
    skip,
    memo: options.memo,
  })
  const scores = scoreSession(candidates, params)
  return candidates.map((c, i) => {
    const pin: RankedPin = {
      ...c.pin,
      score: round4(scores[i]!),
      context: round4(c.features[3]!),
    }
    if (c.seeds > 1 || seeds.length > 1) {
      pin.seeds = c.seeds
    }
    return { pin, root: 0, entry: c.entry as PinEntry, order: c.order }
  })
}

/**
 * Related pins for one or more seed records: merge (or, with context, the session model), sort,
 * collapse near duplicates, take k. Seeds and context pins are skipped, as are `exclude`d ids.
 */
export function rerankRelated(
  seeds: readonly PinRecord[],
  blend: BlendParams,
  options: RerankOptions
): RankedPin[] {
  const skip = skippedIds(seeds, options)
  const threshold = options.dedupThreshold ?? DEFAULT_DEDUP_THRESHOLD
  // One seed and no collapse: the answer is rankRelated's first k (mergeSeeds keeps its order, and
  // rounding only makes ties that order breaks the same way), so only those need building.
  const keep = seeds.length === 1 && threshold >= 1 ? options.k : Number.POSITIVE_INFINITY
  const merged =
    (options.context?.length ?? 0) > 0
      ? sessionRanked(seeds, blend, options, skip)
      : mergeSeeds(seeds, blend, skip, keep)
  const dims = seeds.find((s) => s.pin.vector)?.pin.vector?.length ?? 0
  merged.sort((a, b) => b.pin.score - a.pin.score || a.order - b.order)
  return collapse(merged, options.k, threshold, dims)
}

/** rerankRelated, or the popular list flagged `fallback` when the seeds yield nothing. */
export function recommend(
  seeds: readonly PinRecord[],
  blend: BlendParams,
  popular: readonly PopularPin[],
  options: RerankOptions & { fallback: boolean }
): Recommendation {
  const related = rerankRelated(seeds, blend, options)
  if (related.length > 0 || !options.fallback) {
    return { related, fallback: false }
  }
  return {
    related: popularFallback(popular, options.k, skippedIds(seeds, options)),
    fallback: true,
  }
}
