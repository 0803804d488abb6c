/**
 * @module
 * `related-pins generate`: a deterministic synthetic Pinterest-like world for demos and tests.
 */

import { generateWorld, writeWorld } from '../../offline/generate'
import { numberFlag, parseFlags, stringFlag } from '../args'

export const GENERATE_HELP = `Usage: related-pins generate --out DIR [--pins N] [--seed S]

Writes boards.csv, events.csv, pins.csv and the ground truth (truth.csv: pin → topic,
boards-truth.csv: board kind) of a synthetic world with Zipf popularity, topical boards,
catch-all and spam boards, and drifting engagement sessions.
  --out DIR     output directory (required)
  --pins N      number of pins (5000)
  --seed S      random seed (42)`

export async function generateCommand(argv: string[]): Promise<string | null> {
  const flags = parseFlags('generate', argv, {
    out: { type: 'string' },
    pins: { type: 'string' },
    seed: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
  })
  if (flags.help) {
    console.log(GENERATE_HELP)
    return null
  }
  const out = stringFlag(flags, 'out')
  if (!out) {
    console.error(GENERATE_HELP)
    throw new Error('generate: --out DIR is required')
  }
  const pins = numberFlag(flags, 'pins', 5000, { integer: true, min: 50, max: 5_000_000 })
  const seed = numberFlag(flags, 'seed', 42, { integer: true, min: 0 })
  const start = performance.now()
  const world = generateWorld({ pins, seed })
  await writeWorld(world, out)
  if (!flags.quiet) {
    process.stderr.write(
      `[generate] ${pins.toLocaleString('en')} pins, seed ${seed} → ${out} (${((performance.now() - start) / 1000).toFixed(1)} s)\n`
    )
  }
  return out
}
