/**
 * @module
 * Our methods on task queries: each source alone and the served answer, through the worker's own
 * decoding (ArtifactLookup's shard readers) and ranking code (src/core).
 */

import type { BlendParams, PinRecord, SourceName } from '../core/artifact'
import { rankRelated } from '../core/blend'
import { recommend } from '../core/rerank'
import { readableContext, type SeedList } from '../core/session-model'
import type { ArtifactLookup } from '../offline/blend/rankers'
import type { Vocab } from '../offline/vocab'
import type { QueryRanker } from './peers/peer'

export class ServedRankers {
  constructor(
    readonly lookup: ArtifactLookup,
    private readonly pins: Vocab
  ) {}

  /** The build's fallback list as pin indices, most engaged first. */
  popularPins(): Int32Array {
    return Int32Array.from(this.lookup.artifacts.manifest.popular, (p) => this.pins.get(p.id)!)
  }

  private ids(skip: ReadonlySet<number>): Set<string> {
    return new Set(Array.from(skip, (p) => this.pins.ids[p]!))
  }

  /** One source alone: the query pin's candidates by that source's score. */
  source(only: SourceName): QueryRanker {
    const blend = this.lookup.artifacts.manifest.blend
    return (q, k, skip) => {
      const record = this.lookup.record(q.pin)
      if (!record) {
        return new Int32Array(0)
      }
      const ranked = rankRelated(record, blend, { k, only, exclude: this.ids(skip) })
      return Int32Array.from(ranked, (r) => this.pins.get(r.id)!)
    }
  }

  /**
   * What the worker serves for `GET /v1/pins/:id/related?k=&exclude=&context=`: `context` = the
   * query's context pins (those within the read budget are read), `exclude` = the other pins seen.
   */
  served(blend?: BlendParams): QueryRanker {
    const params = blend ?? this.lookup.artifacts.manifest.blend
    const { popular, shardCount } = this.lookup.artifacts.manifest
    const memo = new Map<string, SeedList>()
    return (q, k, skip) => {
      const id = this.pins.ids[q.pin]!
      const record = this.lookup.record(q.pin)
      const contextIds = Array.from(q.context, (p) => this.pins.ids[p]!)
      const readable = new Set(readableContext([id], contextIds, shardCount))
      const context = contextIds
        .filter((c) => readable.has(c))
        .map((c) => this.lookup.record(this.pins.get(c)!))
        .filter((r): r is PinRecord => r !== null)
      const { related } = recommend(record ? [record] : [], params, popular, {
        k,
        fallback: true,
        exclude: this.ids(skip),
        context,
        unreadContext: contextIds.filter((c) => !readable.has(c)),
        memo,
      })
      return Int32Array.from(related, (r) => this.pins.get(r.id)!)
    }
  }
}
