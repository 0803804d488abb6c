/**
 * @module
 * The served-answer check of a generated world's build: start the worker in workerd (Miniflare),
 * load the build's pointer, manifest and the shards that the sampled pins hash to, query
 * `/v1/pins/:id/related?k=10` for `count` random pins, and compare each answer with the
 * generator's truth.csv (pin → topic). Seeding only the shards read keeps a 1M-pin check to
 * seconds (local KV takes ~50-100 puts/s, so all 250k shards would take about an hour); the
 * worker reads exactly the values it would read from a full upload.
 */

import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { kvWriteOrder, type Manifest } from '../../src/core/artifact'
import { shardOf } from '../../src/core/hash'
import { createRandom } from '../../src/core/random'
import { plainBuffer, startLocalWorker } from '../../src/local/miniflare'
import { shardFile } from '../../src/offline/write'

export type TopicCheck = {
  pins: number
  /** Answers with at least `minResults` related pins. */
  answersWithMin: number
  minResults: number
  /** Mean, over answers, of the share of the top 10 on the query pin's topic. */
  meanTopicShare: number
  /** Answers whose top 10 has at least `minShare` on the query pin's topic. */
  answersOnTopic: number
  minShare: number
  /** The worst answers, for the log. */
  worst: { pin: string; results: number; share: number }[]
  /**
   * Per source (as the answer's `sources` names them): top-10 slots it proposed, and how many of
   * those were on the query's topic. A pin proposed by two sources counts for both.
   */
  bySource: Record<string, { slots: number; onTopic: number }>
}

/** pin id → topic id, streamed from truth.csv (pin_id,topic_id,topic_name). */
async function readTruth(world: string): Promise<Map<string, string>> {
  const topics = new Map<string, string>()
  const lines = createInterface({ input: createReadStream(join(world, 'truth.csv')) })
  let header = true
  for await (const line of lines) {
    if (header) {
      header = false
      continue
    }
    const [pin, topic] = line.split(',', 2)
    if (pin && topic) {
      topics.set(pin, topic)
    }
  }
  return topics
}

export async function topicCheck(
  buildDir: string,
  world: string,
  options: { count?: number; seed?: number; minResults?: number; minShare?: number } = {}
): Promise<TopicCheck> {
  const { count = 300, seed = 1, minResults = 10, minShare = 0.8 } = options
  const manifest = JSON.parse(await readFile(join(buildDir, 'manifest.json'), 'utf8')) as Manifest
  const topics = await readTruth(world)
  const ids = [...topics.keys()]
  const rng = createRandom(seed)
  const sample = new Set<string>()
  while (sample.size < Math.min(count, ids.length)) {
    sample.add(ids[rng.int(ids.length)]!)
  }
  const shards = new Set([...sample].map((id) => shardOf(id, manifest.shardCount)))
  const { mf, url } = await startLocalWorker()
  try {
    const kv = await mf.getKVNamespace('ARTIFACTS')
    for (const item of kvWriteOrder(manifest)) {
      if (item.phase !== 'shards') {
        await kv.put(item.key, item.value)
      } else if (shards.has(item.shard)) {
        await kv.put(item.key, plainBuffer(await readFile(shardFile(buildDir, item.shard))))
      }
    }
    const rows: { pin: string; results: number; share: number }[] = []
    const bySource: TopicCheck['bySource'] = {}
    for (const pin of sample) {
      const res = await fetch(`${url.origin}/v1/pins/${encodeURIComponent(pin)}/related?k=10`)
      if (!res.ok) {
        throw new Error(`topic check: ${pin} answered ${res.status}: ${await res.text()}`)
      }
      const body = (await res.json()) as {
        related: { id: string; sources: Record<string, number> }[]
      }
      const top = body.related.slice(0, 10)
      const same = top.filter((r) => topics.get(r.id) === topics.get(pin)).length
      for (const r of top) {
        for (const source of Object.keys(r.sources)) {
          bySource[source] ??= { slots: 0, onTopic: 0 }
          const b = bySource[source]
          b.slots++
          b.onTopic += topics.get(r.id) === topics.get(pin) ? 1 : 0
        }
      }
      rows.push({ pin, results: body.related.length, share: top.length ? same / top.length : 0 })
    }
    return {
      pins: rows.length,
      answersWithMin: rows.filter((r) => r.results >= minResults).length,
      minResults,
      meanTopicShare: rows.reduce((a, r) => a + r.share, 0) / Math.max(1, rows.length),
      answersOnTopic: rows.filter((r) => r.share >= minShare).length,
      minShare,
      worst: [...rows].sort((a, b) => a.share - b.share || a.results - b.results).slice(0, 5),
      bySource,
    }
  } finally {
    await mf.dispose()
  }
}
