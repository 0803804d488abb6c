/**
 * @module
 * `build --from-candidates DIR --pins F`: a servable build from candidate files made anywhere.
 * No co-occurrence or training runs here: the lists, features and embeddings come from DIR, the
 * titles and links from the pins file, and assembly and writing are the build's own.
 */

import type { BlendParams, Manifest } from '../../core/artifact'
import { DEFAULT_BLEND } from '../../core/defaults'
import { planArtifacts } from '../assemble'
import type { BuildOptions } from '../config'
import { openDuckdb } from '../engines/duckdb/database'
import { readPins } from '../ingest'
import type { IngestReport } from '../ingest/report'
import type { PinMeta } from '../inputs'
import type { Logger } from '../log'
import { memoryBudget } from '../memory'
import type { ShardSlice } from '../slice'
import { Vocab } from '../vocab'
import { type KvBulkLimits, writeBuild, writeReport } from '../write'
import { checkWriteMemory } from '../write-memory'
import { sliceInputs, writeOneSlice } from './build-slice'
import { digestInputs } from './digest'
import { findCandidateFiles, readCandidates } from './read'

export type FromCandidatesConfig = {
  dir: string
  pins?: string
  out: string
  options: BuildOptions
  blend?: BlendParams
  /** Encode only this slice's shards (`--shard-slice i/n`); see write-slice.ts. */
  slice?: ShardSlice
  /** The manifest's createdAt of a sliced build (default: now); tests pin it. */
  createdAt?: string
  /** Bulk file limits (default Cloudflare's; tests use small ones to get several files). */
  limits?: KvBulkLimits
}

export type FromCandidatesResult = { manifest: Manifest; files: string[]; report: object }

export async function buildFromCandidates(
  config: FromCandidatesConfig,
  log: Logger
): Promise<FromCandidatesResult> {
  const start = performance.now()
  const files = findCandidateFiles(config.dir)
  const digests = config.slice ? await digestInputs(sliceInputs(files, config.pins), log) : null
  const pins = new Vocab()
  const rows: { id: string; title: string; imageUrl: string; link: string }[] = []
  let pinsReport: IngestReport | null = null
  if (config.pins) {
    const done = log.step('ingest', `reading pins ${config.pins}`)
    pinsReport = await readPins(
      config.pins,
      (row) => {
        pins.intern(row.pinId)
        rows.push({ id: row.pinId, title: row.title, imageUrl: row.imageUrl, link: row.link })
      },
      {
        skipBadRows: config.options.ingest.skipBadRows,
        columns: config.options.ingest.columns.pins,
      }
    )
    done(`${pinsReport.used.toLocaleString('en')} pins`)
  }
  const db = await openDuckdb()
  let read: Awaited<ReturnType<typeof readCandidates>>
  try {
    const done = log.step('candidates', `reading candidate files in ${config.dir}`)
    read = await readCandidates(db, files, pins, log)
    done(`${pins.size.toLocaleString('en')} pins`)
  } finally {
    db.close()
  }
  const meta: PinMeta = { title: [], imageUrl: [], link: [] }
  for (const row of rows) {
    const i = pins.get(row.id)!
    meta.title[i] = row.title
    meta.imageUrl[i] = row.imageUrl
    meta.link[i] = row.link
  }
  const sources = { ...read, pinCount: pins.size }
  const scoring = config.blend?.sessionCooc
  if (scoring) {
    // The lists come from elsewhere: say what the blend's model expects them to be.
    log.info(
      `[candidates] this blend was fitted on session lists scored with decay ${scoring.decay}, backward ${scoring.backward}, popularity exponent ${scoring.popularityExponent}, length damping ${scoring.lengthDamping ?? 1}: compute the candidates' session lists with the same (sql/session-cooc.sql: decay, backward, popularity_exponent, length_damping)`
    )
  }
  checkWriteMemory(
    memoryBudget(config.options.maxMemoryBytes),
    pins.ids,
    meta,
    sources,
    config.options.assemble
  )
  const plan = planArtifacts(
    pins.ids,
    meta,
    sources,
    config.options.assemble,
    config.blend ?? DEFAULT_BLEND
  )
  if (config.slice && digests) {
    return writeOneSlice(config, config.slice, plan, digests, { files, pinsReport, start }, log)
  }
  const doneWrite = log.step(
    'write',
    `encoding shards of ${config.options.assemble.pinsPerShard} pins`
  )
  const { manifest, files: written } = await writeBuild(plan, config.out, {
    log,
    limits: config.limits,
  })
  doneWrite(`${manifest.shardCount} shards, build ${manifest.buildId}`)
  const report = {
    buildId: manifest.buildId,
    createdAt: manifest.createdAt,
    fromCandidates: { dir: config.dir, files },
    inputs: pinsReport ? { pins: pinsReport } : {},
    counts: { pins: pins.size, shards: manifest.shardCount },
    blend: manifest.blend,
    timingsSeconds: { total: (performance.now() - start) / 1000 },
  }
  written.push(await writeReport(config.out, report))
  return { manifest, files: written, report }
}
