/**
 * @module
 * `related-pins build`: inputs → artifacts directory.
 */

import { readFile } from 'node:fs/promises'
import type { BlendParams } from '../../core/artifact'
import { parseManifest } from '../../core/artifact'
import { BuildError } from '../../offline/errors'
import { createLogger } from '../../offline/log'
import { type BuildResult, runBuild } from '../../offline/pipeline'
import { numberFlag, parseFlags, stringFlag } from '../args'
import { buildOptions, columnMaps, INPUT_FLAGS, INPUT_HELP, inputPaths } from '../build-flags'

export const BUILD_HELP = `Usage: related-pins build --boards FILE --events FILE [--pins FILE] [--out DIR]

Builds the artifacts the worker serves: board co-occurrence, sessions, Pin2Vec, int8 vectors,
sharded KV values, manifest.json, kv-bulk.json and report.json.
  --out DIR                output directory (artifacts)
  --holdout F              last share of the events' time span held out to fit the blend; the
                           sources are then retrained on all events (0.1; 0 = default blend)
  --holdout-max-queries N  held-out queries used for the fit (20000)
  --blend FILE             use this blend (e.g. blend.json from \`related-pins eval\`) instead
  --write-candidates       also write OUT/candidates/{cooc,walk,session,pin2vec,pins}.parquet
  --from-candidates DIR    assemble from candidate files made anywhere (docs/data-format.md
                           #candidate-files) and --pins; no --boards/--events, nothing is trained
${INPUT_HELP}`

export async function buildCommand(argv: string[]): Promise<BuildResult | null> {
  const flags = parseFlags('build', argv, {
    ...INPUT_FLAGS,
    out: { type: 'string' },
    holdout: { type: 'string' },
    'holdout-max-queries': { type: 'string' },
    blend: { type: 'string' },
    'write-candidates': { type: 'boolean' },
    'from-candidates': { type: 'string' },
  })
  if (flags.help) {
    console.log(BUILD_HELP)
    return null
  }
  const log = createLogger({ silent: Boolean(flags.quiet) })
  const options = buildOptions(flags)
  options.holdout = numberFlag(flags, 'holdout', options.holdout, { min: 0, max: 0.5 })
  options.holdoutMaxQueries = numberFlag(flags, 'holdout-max-queries', options.holdoutMaxQueries, {
    integer: true,
    min: 0,
  })
  const blendFile = stringFlag(flags, 'blend')
  const fromCandidates = stringFlag(flags, 'from-candidates')
  if (fromCandidates) {
    const paths = inputPaths(flags)
    if (paths.boards || paths.events) {
      throw new BuildError(
        'config',
        '--from-candidates takes --pins only: the candidates replace --boards and --events'
      )
    }
    const { buildFromCandidates } = await import('../../offline/candidates/build-from')
    const built = await buildFromCandidates(
      {
        dir: fromCandidates,
        pins: paths.pins,
        out: stringFlag(flags, 'out') ?? 'artifacts',
        skipBadRows: Boolean(flags['skip-bad-rows']),
        columns: columnMaps(flags),
        options,
        blend: blendFile ? await readBlend(blendFile) : undefined,
      },
      log
    )
    for (const file of built.files) {
      log.info(`wrote ${file}`)
    }
    const m = built.artifacts.manifest
    console.log(
      JSON.stringify({
        build: m.buildId,
        pins: m.pinCount,
        shards: m.shardCount,
        out: stringFlag(flags, 'out') ?? 'artifacts',
      })
    )
    return null
  }
  const result = await runBuild(
    {
      inputs: inputPaths(flags),
      out: stringFlag(flags, 'out') ?? 'artifacts',
      skipBadRows: Boolean(flags['skip-bad-rows']),
      columns: columnMaps(flags),
      options,
      blend: blendFile ? await readBlend(blendFile) : undefined,
      writeCandidates: Boolean(flags['write-candidates']),
    },
    log
  )
  for (const file of result.files) {
    log.info(`wrote ${file}`)
  }
  const { manifest } = result.artifacts
  console.log(
    JSON.stringify({
      build: manifest.buildId,
      pins: manifest.pinCount,
      shards: manifest.shardCount,
      out: stringFlag(flags, 'out') ?? 'artifacts',
      seconds: result.report.timingsSeconds.total,
    })
  )
  return result
}

/** Read a blend JSON file and check it the way the worker checks a manifest's blend. */
async function readBlend(file: string): Promise<BlendParams> {
  let blend: unknown
  try {
    blend = JSON.parse(await readFile(file, 'utf8'))
  } catch (err) {
    throw new BuildError('config', `--blend ${file}: ${(err as Error).message}`)
  }
  // Validate through parseManifest so build and worker accept exactly the same blends.
  const probe = {
    formatVersion: 1,
    buildId: 'probe',
    createdAt: '',
    pinCount: 0,
    shardCount: 1,
    dims: 0,
    vectorDtype: 'none',
    sources: [],
    popular: [],
    shards: [{ index: 0, recordCount: 0, byteLength: 0, sha256: '' }],
    blend,
  }
  try {
    return parseManifest(probe).blend
  } catch (err) {
    throw new BuildError('config', `--blend ${file}: ${(err as Error).message}`)
  }
}
