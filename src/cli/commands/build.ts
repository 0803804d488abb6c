/**
 * @module
 * `related-pins build`: inputs → artifacts directory.
 */

import { readFile } from 'node:fs/promises'
import { type BlendParams, parseBlend } from '../../core/artifact'
import type { BuildOptions, InputPaths } from '../../offline/config'
import { BuildError } from '../../offline/errors'
import { createLogger } from '../../offline/log'
import { type BuildResult, runBuild } from '../../offline/pipeline'
import { type ShardSlice, sliceLabel } from '../../offline/slice'

export type BuildCommandOptions = {
  inputs: InputPaths
  out: string
  options: BuildOptions
  /** A blend JSON file to ship instead of fitting one. */
  blendFile?: string
  quiet: boolean
  /** Also write OUT/candidates/*.parquet. */
  writeCandidates?: boolean
}

export async function buildCommand(command: BuildCommandOptions): Promise<BuildResult> {
  const log = createLogger({ silent: command.quiet })
  const result = await runBuild(
    {
      inputs: command.inputs,
      out: command.out,
      options: command.options,
      blend: command.blendFile ? await readBlend(command.blendFile) : undefined,
      writeCandidates: command.writeCandidates,
    },
    log
  )
  for (const file of result.files) {
    log.info(`wrote ${file}`)
  }
  const { manifest } = result
  console.log(
    JSON.stringify({
      build: manifest.buildId,
      pins: manifest.pinCount,
      shards: manifest.shardCount,
      out: command.out,
      seconds: result.report.timingsSeconds.total,
    })
  )
  log.summary('build done')
  return result
}

/** `build --from-candidates DIR`: assemble from candidate files instead of computing sources. */
export async function fromCandidatesCommand(
  command: BuildCommandOptions,
  dir: string,
  slice?: ShardSlice
): Promise<void> {
  const log = createLogger({ silent: command.quiet })
  if (command.inputs.boards || command.inputs.events) {
    throw new BuildError(
      'config',
      '--from-candidates takes --pins only: the candidate files replace --boards and --events'
    )
  }
  const { buildFromCandidates } = await import('../../offline/candidates/build-from')
  const built = await buildFromCandidates(
    {
      dir,
      pins: command.inputs.pins,
      out: command.out,
      options: command.options,
      blend: command.blendFile ? await readBlend(command.blendFile) : undefined,
      slice,
    },
    log
  )
  for (const file of built.files) {
    log.info(`wrote ${file}`)
  }
  const m = built.manifest
  console.log(
    JSON.stringify({
      build: m.buildId,
      pins: m.pinCount,
      shards: m.shardCount,
      ...(slice ? { slice: sliceLabel(slice) } : {}),
      out: command.out,
    })
  )
  log.summary(slice ? `slice ${sliceLabel(slice)} done` : 'build done')
}

/** Read a blend JSON file and check it the way the worker checks a manifest's blend. */
async function readBlend(file: string): Promise<BlendParams> {
  let blend: unknown
  try {
    blend = JSON.parse(await readFile(file, 'utf8'))
  } catch (err) {
    throw new BuildError('config', `--blend ${file}: ${(err as Error).message}`)
  }
  // The same check the worker runs on a manifest's blend.
  try {
    return parseBlend(blend)
  } catch (err) {
    throw new BuildError('config', `--blend ${file}: ${(err as Error).message}`)
  }
}
