/**
 * @module
 * Leave-one-source-out ablation of the served blend (`eval --ablation`): for each source of the
 * test build, the blend without it. The source's neighbour lists (and, for Pin2Vec, its vectors:
 * its score on every candidate and the near-duplicate signatures) are removed from the sources
 * already trained for the run, nothing is trained again; the blend weights, the learned model and
 * the session model are fitted again on the validation slice exactly as the served blend is, and
 * the result is scored on the same test queries under the same rules (exclusions, popular
 * fallback, bootstrap resamples) as the full blend. Nothing here sees the test slice before the
 * scoring.
 */

import type { BlendParams, SourceName } from '../core/artifact'
import { assembleArtifacts } from '../offline/assemble'
import { fitBlendOnSources, type HoldoutOptions } from '../offline/blend/holdout'
import { ArtifactLookup } from '../offline/blend/rankers'
import { scaleThresholds } from '../offline/blend/thresholds'
import type { Sources } from '../offline/candidate-sources'
import type { BuildOptions } from '../offline/config'
import type { Inputs } from '../offline/inputs'
import type { Logger } from '../offline/log'
import { fitSession } from './fit-session'
import {
  type Comparison,
  compareToBest,
  type MethodResult,
  type ScoreOptions,
  scoreTask,
  type TaskScores,
} from './score-task'
import { ServedRankers } from './served-rankers'
import type { SessionQueries, Task } from './session-task'

/** The sources as a build without `source` would have them (everything else shared, not copied). */
export function withoutSource(sources: Sources, source: SourceName): Sources {
  return { ...sources, [source]: null }
}

/** The method name of the blend without `source` in metrics.json. */
export const ablatedName = (source: SourceName): string => `blend without ${source}`

export type AblationInput = {
  inputs: Inputs
  options: BuildOptions
  holdout: HoldoutOptions
  validationCut: number
  testCut: number
  /** Sources trained before the validation cut, and that slice's training event count. */
  validationSources: Sources
  validationEvents: number
  /** Validation session-task queries (the session model's fit, as for the served blend). */
  validationQueries: SessionQueries
  /** Sources trained before the test cut, and that slice's training event count. */
  testSources: Sources
  testEvents: number
  /** The sources of the served test build, in manifest order. */
  sources: SourceName[]
  queries: SessionQueries
  tasks: readonly Task[]
  scoreOptions: ScoreOptions
  /** The full blend's scores per task (method `blend`), for the paired differences. */
  full: Record<Task, TaskScores>
}

export type AblationRow = {
  source: SourceName
  /** The ablated blend as served: weights, model and session parameters fitted without it. */
  blend: BlendParams
  fit: { modelKept: boolean | null; sessionModelKept: boolean | null }
  tasks: Record<
    Task,
    {
      result: MethodResult
      /** The ablated blend against the full blend (ours = ablated), paired intervals. */
      vsBlend: Record<'hr@20' | 'mrr@20', Comparison>
    }
  >
}

export type AblationReport = {
  /** Wall time of the whole ablation, to weigh it against the evaluation's. */
  seconds: number
  rows: AblationRow[]
  /** Sources not ablated, with why (a blend needs a source left). */
  skipped: { source: SourceName; reason: string }[]
}

export async function leaveOneSourceOut(
  input: AblationInput,
  log: Logger
): Promise<AblationReport> {
  const started = performance.now()
  const { inputs, options } = input
  const ids = inputs.pins.ids
  const rows: AblationRow[] = []
  const skipped: AblationReport['skipped'] = []
  if (input.sources.length < 2) {
    for (const source of input.sources) {
      skipped.push({ source, reason: 'the only source of this build' })
    }
  }
  for (const source of input.sources.length < 2 ? [] : input.sources) {
    log.info(`[eval] ablation: fitting the blend without ${source} on the validation slice`)
    const validationSources = withoutSource(input.validationSources, source)
    const fitted = await fitBlendOnSources(
      inputs,
      validationSources,
      input.validationCut,
      input.testCut,
      options,
      input.holdout,
      log
    )
    const sessionFit = fitSession(
      new ArtifactLookup(
        await assembleArtifacts(
          ids,
          inputs.meta,
          validationSources,
          options.assemble,
          fitted.blend
        ),
        inputs.pins
      ),
      inputs.pins,
      input.validationQueries,
      fitted.blend,
      { seed: options.seed, loss: options.blend.loss }
    )
    const blend = scaleThresholds(
      { ...fitted.blend, session: sessionFit.session },
      input.validationEvents,
      input.testEvents
    )
    const artifacts = await assembleArtifacts(
      ids,
      inputs.meta,
      withoutSource(input.testSources, source),
      options.assemble,
      blend
    )
    const name = ablatedName(source)
    const served = new ServedRankers(new ArtifactLookup(artifacts, inputs.pins), inputs.pins)
    const tasks = {} as AblationRow['tasks']
    for (const task of input.tasks) {
      const scores = scoreTask({ [name]: served.served() }, input.queries, task, input.scoreOptions)
      // Same queries, seed and count: the bootstrap draws are the full blend's, so paired.
      const both: TaskScores = {
        ...scores,
        results: { ...scores.results, blend: input.full[task].results.blend! },
        resamples: { ...scores.resamples, blend: input.full[task].resamples.blend! },
      }
      tasks[task] = {
        result: scores.results[name]!,
        vsBlend: {
          'hr@20': compareToBest(both, name, ['blend'], 'hr@20').overall,
          'mrr@20': compareToBest(both, name, ['blend'], 'mrr@20').overall,
        },
      }
      const o = scores.results[name]!.overall
      log.info(
        `[eval]   ${name}, ${task}: HR@20 ${(o['hr@20'] * 100).toFixed(2)}% (blend ${(input.full[task].results.blend!.overall['hr@20'] * 100).toFixed(2)}%)`
      )
    }
    rows.push({
      source,
      blend,
      fit: {
        modelKept: fitted.report.model?.kept ?? null,
        sessionModelKept: sessionFit.report.model?.kept ?? null,
      },
      tasks,
    })
  }
  return { seconds: (performance.now() - started) / 1000, rows, skipped }
}
