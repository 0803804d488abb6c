/**
 * @module
 * Rankers under evaluation. Our sources go through exactly what the worker runs: the shard
 * reader (src/core/artifact) and rankRelated (src/core/blend).
 */

import {
  type Artifacts,
  type BlendParams,
  openShardSync,
  type PinRecord,
  type ShardReader,
  type SourceName,
} from '../../core/artifact'
import { rankRelated } from '../../core/blend'
import { shardOf } from '../../core/hash'
import { recommend } from '../../core/rerank'
import { NODE_SHARD_READ } from '../shard-codecs'
import type { Vocab } from '../vocab'

/** Decoded shards kept open at once (inflated bodies are ~3× the stored values). */
const OPEN_SHARDS = 4096

/** Ranked pin indices for a query pin index (at most k). */
export type Ranker = (query: number, k: number) => Int32Array

/** Decodes records of a build the way the worker does, keeping each shard reader open. */
export class ArtifactLookup {
  private readonly readers = new Map<number, ShardReader>()
  constructor(
    readonly artifacts: Artifacts,
    private readonly pins: Vocab
  ) {}

  /** The reader of shard `index`, opened (inflated) on first use, least recently used out. */
  private reader(index: number): ShardReader {
    let reader = this.readers.get(index)
    if (reader) {
      this.readers.delete(index)
    } else {
      const { shardCount, shardTag } = this.artifacts.manifest
      reader = openShardSync(
        this.artifacts.shards[index]!,
        { index, shardCount, shardTag },
        { inflateRaw: NODE_SHARD_READ.inflateRaw }
      )
      if (this.readers.size >= OPEN_SHARDS) {
        this.readers.delete(this.readers.keys().next().value as number)
      }
    }
    this.readers.set(index, reader)
    return reader
  }

  record(query: number): PinRecord | null {
    const id = this.pins.ids[query]!
    return this.reader(shardOf(id, this.artifacts.manifest.shardCount)).get(id)
  }

  /** The id of pin index `index`. */
  pinId(index: number): string {
    return this.pins.ids[index]!
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
