/**
 * @module
 * `related-pins build`: inputs → artifacts directory.
 */

import { createLogger } from '../../build/log'
import { runBuild, type BuildResult } from '../../build/pipeline'
import { parseFlags, stringFlag } from '../args'
import { buildOptions, columnMaps, INPUT_FLAGS, INPUT_HELP, inputPaths } from '../build-flags'

export const BUILD_HELP = `Usage: related-pins build --boards FILE --events FILE [--pins FILE] [--out DIR]

Builds the artifacts the worker serves: board co-occurrence, sessions, Pin2Vec, int8 vectors,
sharded KV values, manifest.json, kv-bulk.json and report.json.
  --out DIR                output directory (artifacts)
${INPUT_HELP}`

export async function buildCommand(argv: string[]): Promise<BuildResult | null> {
  const flags = parseFlags('build', argv, { ...INPUT_FLAGS, out: { type: 'string' } })
  if (flags.help) {
    console.log(BUILD_HELP)
    return null
  }
  const log = createLogger({ silent: Boolean(flags.quiet) })
  const result = await runBuild(
    {
      inputs: inputPaths(flags),
      out: stringFlag(flags, 'out') ?? 'artifacts',
      skipBadRows: Boolean(flags['skip-bad-rows']),
      columns: columnMaps(flags),
      options: buildOptions(flags),
    },
    log
  )
  for (const file of result.files) {
    log.info(`wrote ${file}`)
  }
  const { manifest } = result.artifacts
  console.log(JSON.stringify({ build: manifest.buildId, pins: manifest.pinCount, shards: manifest.shardCount, out: stringFlag(flags, 'out') ?? 'artifacts', seconds: result.report.timingsSeconds.total }))
  return result
}
