/**
 * @module
 * `related-pins generate`: a deterministic synthetic Pinterest-like world for demos and tests.
 */

import { generateWorld, writeWorld } from '../../offline/generate'

export type GenerateCommandOptions = { out: string; pins: number; seed: number; quiet: boolean }

export async function generateCommand(options: GenerateCommandOptions): Promise<string> {
  const { out, pins, seed } = options
  const start = performance.now()
  const world = generateWorld({ pins, seed })
  await writeWorld(world, out)
  if (!options.quiet) {
    process.stderr.write(
      `[generate] ${pins.toLocaleString('en')} pins, seed ${seed} → ${out} (${((performance.now() - start) / 1000).toFixed(1)} s)\n`
    )
  }
  return out
}
