/**
 * @module
 * Request-time re-ranking on top of rankRelated's blend: several seed pins merged Pixie-style, a
 * bias toward the user's recent pins (context), near-duplicate collapse and the popular fallback.
 * Runtime-neutral, so offline evaluation can score exactly what the worker serves.
 */

import type { BlendParams, PinEntry, PinRecord, PopularPin } from './artifact/format'
import { signatureBits, signatureCosine, signatureOf } from './artifact/signature'
import { type RelatedPin, rankRelated } from './blend'
import { cosine } from './quantize'

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
  /** Cosine to the user's context, when context was used. */
  context?: number
  /** How many seed pins proposed this pin (multi-seed queries only). */
  seeds?: number
}

export type RerankOptions = {
  k: number
  /** Ids never returned (pins already on screen); seeds and context pins are never returned either. */
  exclude?: ReadonlySet<string>
  /** The user's recently engaged pins; candidates close to them move up. */
  context?: readonly PinEntry[]
  /** Weight of the context cosine added to the blend score (DEFAULT_CONTEXT_WEIGHT). */
  contextWeight?: number
  /** Two results whose vectors have a cosine above this are near duplicates: the lower one is dropped. */
  dedupThreshold?: number
}

export type Recommendation = { related: RankedPin[]; fallback: boolean }

export const DEFAULT_CONTEXT_WEIGHT = 0.5
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
  skip: ReadonlySet<string>
): Merged[] {
  const merged = new Map<string, Merged>()
  for (const record of seeds) {
    const entries = new Map<string, PinEntry>()
    for (const c of record.candidates) {
      entries.set(c.pin.id, c.pin)
    }
    for (const item of rankRelated(record, blend, { k: record.candidates.length, exclude: skip })) {
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

/** Mean direction of the context vectors (each normalised first, so no pin dominates). */
export function contextCentroid(context: readonly PinEntry[], dims: number): Float32Array | null {
  const centroid = new Float32Array(dims)
  let used = 0
  for (const pin of context) {
    const v = pin.vector
    if (!v || v.length !== dims) {
      continue
    }
    let norm = 0
    for (let i = 0; i < dims; i++) {
      norm += (v[i] as number) ** 2
    }
    if (norm === 0) {
      continue
    }
    const inv = 1 / Math.sqrt(norm)
    for (let i = 0; i < dims; i++) {
      centroid[i] = (centroid[i] as number) + (v[i] as number) * inv
    }
    used++
  }
  return used > 0 ? centroid : null
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

/**
 * Related pins for one or more seed records: merge, bias toward context, sort, collapse near
 * duplicates, take k. Seeds and context pins are skipped, as are `exclude`d ids.
 */
export function rerankRelated(
  seeds: readonly PinRecord[],
  blend: BlendParams,
  options: RerankOptions
): RankedPin[] {
  const skip = new Set(options.exclude ?? [])
  for (const s of seeds) {
    skip.add(s.pin.id)
  }
  for (const p of options.context ?? []) {
    skip.add(p.id)
  }
  const merged = mergeSeeds(seeds, blend, skip)
  const dims =
    seeds.find((s) => s.pin.vector)?.pin.vector?.length ??
    options.context?.find((p) => p.vector)?.vector?.length ??
    0
  const centroid = options.context && dims > 0 ? contextCentroid(options.context, dims) : null
  if (centroid) {
    const weight = options.contextWeight ?? DEFAULT_CONTEXT_WEIGHT
    const centroidPin: PinEntry = {
      id: '',
      title: '',
      imageUrl: '',
      link: '',
      engagement: 0,
      vector: centroid,
      scale: 1,
      signature: signatureOf(centroid, dims),
    }
    for (const m of merged) {
      const sim = m.entry ? Math.max(0, pinSimilarity(m.entry, centroidPin, dims) ?? 0) : 0
      m.pin.context = round4(sim)
      m.pin.score = round4(m.pin.score + weight * sim)
    }
  }
  merged.sort((a, b) => b.pin.score - a.pin.score || a.order - b.order)
  return collapse(merged, options.k, options.dedupThreshold ?? DEFAULT_DEDUP_THRESHOLD, dims)
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
  const skip = new Set([
    ...(options.exclude ?? []),
    ...seeds.map((s) => s.pin.id),
    ...(options.context ?? []).map((p) => p.id),
  ])
  return { related: popularFallback(popular, options.k, skip), fallback: true }
}
