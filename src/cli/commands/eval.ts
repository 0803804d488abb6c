/**
 * @module
 * `related-pins eval`: offline evaluation on held-out sessions (see docs/evaluation.md).
 */

import type { EvalSettings } from '../../eval/options'
import { type EvalMetrics, runEval } from '../../eval/run'
import type { BuildOptions, InputPaths } from '../../offline/config'
import { BuildError } from '../../offline/errors'
import { createLogger } from '../../offline/log'

export type EvalCommandOptions = {
  inputs: InputPaths
  out: string
  options: BuildOptions
  settings: EvalSettings
  quiet: boolean
}

export async function evalCommand(command: EvalCommandOptions): Promise<EvalMetrics> {
  const { settings } = command
  if (settings.testFraction + settings.validationFraction >= 1) {
    throw new BuildError('config', '--test-fraction plus --validation-fraction must be below 1')
  }
  const metrics = await runEval(
    {
      inputs: command.inputs,
      out: command.out,
      options: command.options,
      split: {
        testFraction: settings.testFraction,
        validationFraction: settings.validationFraction,
        testCut: settings.testCut,
      },
      bucketThresholds: settings.bucketThresholds,
      bootstrap: settings.bootstrap,
      maxQueries: settings.maxQueries,
      trainOn: settings.trainOn,
    },
    createLogger({ silent: command.quiet })
  )
  const table = Object.entries(metrics.sources).map(
    ([name, r]) =>
      `${name.padEnd(16)} recall@20 ${(r.overall['recall@20'] * 100).toFixed(2).padStart(6)}%  recall@50 ${(r.overall['recall@50'] * 100).toFixed(2).padStart(6)}%  mrr@20 ${r.overall['mrr@20'].toFixed(4)}`
  )
  console.log(table.join('\n'))
  return metrics
}
