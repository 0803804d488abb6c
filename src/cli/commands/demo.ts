/**
 * @module
 * `related-pins demo` (what `npm start` runs): generate the sample, build it, serve it.
 */

import { join } from 'node:path'
import { numberFlag, parseFlags, stringFlag } from '../args'
import { buildCommand } from './build'
import { generateCommand } from './generate'
import { serveArtifacts } from './serve'

export const DEMO_HELP = `Usage: related-pins demo [--pins N] [--seed S] [--data DIR] [--out DIR] [--port P]

Generates the bundled sample world (.data/sample), builds it into artifacts/, loads it into a
local KV and serves the worker on http://127.0.0.1:8787 (or $PORT).`

export async function demoCommand(argv: string[]): Promise<void> {
  const flags = parseFlags('demo', argv, {
    pins: { type: 'string' },
    seed: { type: 'string' },
    data: { type: 'string' },
    out: { type: 'string' },
    port: { type: 'string' },
  })
  if (flags.help) {
    console.log(DEMO_HELP)
    return
  }
  const data = stringFlag(flags, 'data') ?? join('.data', 'sample')
  const out = stringFlag(flags, 'out') ?? 'artifacts'
  const pins = String(numberFlag(flags, 'pins', 5000, { integer: true, min: 50 }))
  const seed = String(numberFlag(flags, 'seed', 42, { integer: true, min: 0 }))
  const port = numberFlag(flags, 'port', Number(process.env.PORT ?? 8787), {
    integer: true,
    min: 0,
    max: 65535,
  })
  const start = performance.now()
  await generateCommand(['--out', data, '--pins', pins, '--seed', seed])
  const result = await buildCommand([
    '--boards',
    join(data, 'boards.csv'),
    '--events',
    join(data, 'events.csv'),
    '--pins',
    join(data, 'pins.csv'),
    '--out',
    out,
    '--seed',
    seed,
  ])
  if (!result) {
    return
  }
  process.stderr.write(
    `[demo] sample generated and built in ${((performance.now() - start) / 1000).toFixed(1)} s\n`
  )
  await serveArtifacts(result.dir, { port, host: '127.0.0.1' })
}
