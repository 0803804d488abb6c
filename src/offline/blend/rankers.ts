/**
 * @module
 * Rankers under evaluation. Our sources go through exactly what the worker runs: the shard
 * reader (src/core/artifact) and rankRelated (src/core/blend).
 */

import { type BlendParams, type PinRecord, ShardReader, type SourceName } from '../../core/artifact'
import { rankRelated } from '../../core/blend'
import { shardOf } from '../../core/hash'
import { recommend } from '../../core/rerank'
import type { Artifacts } from '../assemble'
import type { Vocab } from '../vocab'

/** Ranked pin indices for a query pin index (at most k). */
export type Ranker = (query: number, k: number) => Int32Array

/** Decodes records of a build the way the worker does, keeping each shard reader open. */
export class ArtifactLookup {
  private readonly readers: ShardReader[]
  constructor(
    readonly artifacts: Artifacts,
    private readonly pins: Vocab
  ) {
    this.readers = artifacts.shards.map((bytes) => new ShardReader(bytes))
  }

  record(query: number): PinRecord | null {
    const id = this.pins.ids[query]!
    return this.readers[shardOf(id, this.artifacts.manifest.shardCount)]!.get(id)
  }

  /** A ranker over this build: one source alone (`only`) or the blend with `blend` params. */
  ranker(options: { only?: SourceName; blend?: BlendParams } = {}): Ranker {
    const blend = options.blend ?? this.artifacts.manifest.blend
    return (query, k) => {
      const record = this.record(query)
      if (!record) {
        return new Int32Array(0)
      }
      const ranked = rankRelated(record, blend, { k, only: options.only })
      return Int32Array.from(ranked, (r) => this.pins.get(r.id)!)
    }
  }

  /**
   * What the worker serves for `GET /v1/pins/:id/related?k=` with default parameters: the blend,
   * near-duplicate collapse, and the popular fallback when the pin has no candidates.
   */
  servedRanker(blend?: BlendParams): Ranker {
    const params = blend ?? this.artifacts.manifest.blend
    const popular = this.artifacts.manifest.popular
    return (query, k) => {
      const record = this.record(query)
      const seeds = record ? [record] : []
      const { related } = recommend(seeds, params, popular, {
        k,
        fallback: true,
        exclude: new Set([this.pins.ids[query]!]),
      })
      return Int32Array.from(related, (r) => this.pins.get(r.id)!)
    }
  }

  /** The popularity baseline: the build's fallback list of most engaged pins. */
  popularRanker(): Ranker {
    const popular = Int32Array.from(this.artifacts.manifest.popular, (p) => this.pins.get(p.id)!)
    return (query, k) => popular.filter((p) => p !== query).subarray(0, k)
  }
}
