/**
 * @module
 * `related-pins demo` (what `npm start` runs): generate the sample, build it, serve it.
 */

import { join } from 'node:path'
import { buildOptions } from '../../offline/config'
import { buildCommand } from './build'
import { generateCommand } from './generate'
import { serveArtifacts } from './serve'

export type DemoCommandOptions = {
  pins: number
  seed: number
  data: string
  out: string
  port: number
}

export async function demoCommand(options: DemoCommandOptions): Promise<void> {
  const { data, out, pins, seed } = options
  const start = performance.now()
  await generateCommand({ out: data, pins, seed, quiet: false })
  const result = await buildCommand({
    inputs: {
      boards: join(data, 'boards.csv'),
      events: join(data, 'events.csv'),
      pins: join(data, 'pins.csv'),
    },
    out,
    options: buildOptions({ seed }),
    quiet: false,
  })
  process.stderr.write(
    `[demo] sample generated and built in ${((performance.now() - start) / 1000).toFixed(1)} s\n`
  )
  await serveArtifacts(result.dir, { port: options.port, host: '127.0.0.1' })
}
