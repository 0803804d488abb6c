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
      peerTuneQueries: settings.peerTuneQueries,
      trainOn: settings.trainOn,
      peers: settings.peers,
      ablation: settings.ablation,
    },
    createLogger({ silent: command.quiet })
  )
  for (const [task, results] of Object.entries(metrics.tasks)) {
    console.log(`${task} task (targets new to the session, served rules for every method):`)
    for (const [name, r] of Object.entries(results)) {
      console.log(
        `  ${name.padEnd(16)} HR@20 ${(r.overall['hr@20'] * 100).toFixed(2).padStart(6)}%  MRR@20 ${r.overall['mrr@20'].toFixed(4)}  NDCG@20 ${r.overall['ndcg@20'].toFixed(4)}`
      )
    }
  }
  return metrics
}
