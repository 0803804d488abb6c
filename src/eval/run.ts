/**
 * @module
 * `related-pins eval`: temporal split → fit the blend and choose every peer's setting on the
 * validation slice → build on the training data with the same code as `build` → score every
 * source, the served blend and every peer on the held-out sessions, in the one-pin and the
 * session task, under the served answer's rules (docs/evaluation.md).
 */

import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type BlendParams, BUCKETS } from '../core/artifact'
import { bucketOf } from '../core/blend'
import { assembleArtifacts } from '../offline/assemble'
import { fitBlendOnHoldout, optionsForBlend, reusableSources } from '../offline/blend/holdout'
import { ArtifactLookup } from '../offline/blend/rankers'
import {
  computeSplit,
  eventsBetween,
  type SplitOptions,
  type TrainOn,
  trainingInputs,
} from '../offline/blend/split'
import { scaleThresholds, tercileThresholds } from '../offline/blend/thresholds'
import { computeSources, type ReusedSources, type Sources } from '../offline/candidate-sources'
import type { BuildOptions, InputPaths } from '../offline/config'
import { BuildError } from '../offline/errors'
import { type Inputs, loadInputs } from '../offline/inputs'
import type { Logger } from '../offline/log'
import { sessionizeOptions } from '../offline/sessions/options'
import { sessionize } from '../offline/sessions/sessionize'
import { leaveOneSourceOut } from './ablation'
import { fitSession } from './fit-session'
import type { PeerName } from './options'
import { choosePeerSettings } from './peer-selection'
import type { QueryRanker } from './peers/peer'
import { ITEM_PEERS, PEERS } from './peers/registry'
import { indexSessions } from './peers/training-sessions'
import { renderReport } from './report-html'
import { renderMarkdown } from './report-markdown'
import { compareToBest, GROUPS, scoreTask, type TaskScores } from './score-task'
import { ServedRankers } from './served-rankers'
import { sampleSessionQueries, sessionQueries, TASKS, type Task } from './session-task'

export type EvalConfig = {
  inputs: InputPaths
  out: string
  /** The build's options; `blend.tuneStep` is the grid step of the validation blend fit. */
  options: BuildOptions
  split: SplitOptions
  /** Fixed bucket thresholds for reporting; default: terciles of the test queries' engagement. */
  bucketThresholds?: BlendParams['buckets']
  bootstrap: number
  /** Cap on evaluated queries (deterministic sample) to bound run time; 0 = all. */
  maxQueries: number
  /** Cap on validation queries used to choose each peer's setting; 0 = all (default 5000). */
  peerTuneQueries?: number
  /** Train on both signals (default) or one alone; test sessions always come from the events. */
  trainOn: TrainOn
  /** Also score Pin2Vec and the blend with float32 vectors, to price int8 quantization. */
  float32?: boolean
  /** The peers to tune and score (default: every peer of the registry). */
  peers?: readonly PeerName[]
  /** Also score the blend without each source in turn, re-fitted on validation (ablation.ts). */
  ablation?: boolean
}

/** What each task's goal compares: our served answer against the best of these peers. */
export const GOALS: Record<
  Task,
  { ours: string; peers: string[]; metrics: ('hr@20' | 'mrr@20')[] }
> = {
  'one-pin': { ours: 'blend', peers: ITEM_PEERS, metrics: ['hr@20', 'mrr@20'] },
  session: { ours: 'blend', peers: ['v-sknn', 'stan'], metrics: ['hr@20', 'mrr@20'] },
}

type Phase = { inputs: Inputs; sources: Sources; boardsAfterCut: number; undatedBoardRows: number }

async function trainPhase(
  inputs: Inputs,
  cut: number,
  config: EvalConfig,
  log: Logger,
  label: string,
  reuse: ReusedSources,
  options: BuildOptions = config.options
): Promise<Phase> {
  const slice = trainingInputs(inputs, cut, config.trainOn)
  log.info(`[eval] ${label}: training on data before ${new Date(cut).toISOString()}`)
  const sources = await computeSources(slice.inputs, options, log, { reuse })
  return {
    inputs: slice.inputs,
    sources,
    boardsAfterCut: slice.boardsAfterCut,
    undatedBoardRows: slice.undatedBoardRows,
  }
}

/** The most engaged pins, as the build's popular list orders them (engagement, then boards). */
function popularOf(sources: Sources, count: number): Int32Array {
  const order = Array.from(sources.engagement, (_, i) => i)
  order.sort(
    (a, b) =>
      sources.engagement[b]! - sources.engagement[a]! ||
      sources.boardDegree[b]! - sources.boardDegree[a]! ||
      a - b
  )
  return Int32Array.from(order.slice(0, count))
}

/** metrics.json: everything one evaluation measured, and the config it ran with. */
export type EvalMetrics = Awaited<ReturnType<typeof runEval>>

export async function runEval(config: EvalConfig, log: Logger) {
  const started = performance.now()
  const inputs = await loadInputs(config.inputs, config.options.ingest, log)
  if (!inputs.events) {
    throw new BuildError(
      'eval',
      'evaluation needs --events: the task is predicting the next engaged pin of held-out sessions'
    )
  }
  const split = computeSplit(inputs.events, config.split)
  const sessionOptions = sessionizeOptions(inputs.events.actions.ids, config.options.sessions)
  const ids = inputs.pins.ids
  const peers = config.peers
    ? PEERS.filter((p) => config.peers!.includes(p.name as PeerName))
    : PEERS

  // 1. On the validation slice: fit the blend (sources trained before it) and choose each peer's
  //    setting (peers trained on the sessions before it). Nothing here sees the test slice.
  const holdout = {
    tuneStep: config.options.blend.tuneStep,
    maxQueries: config.maxQueries,
    trainOn: config.trainOn,
  }
  const validation = await fitBlendOnHoldout(
    inputs,
    split.validationCut,
    split.testCut,
    config.options,
    holdout,
    log
  )
  const validationQueries = sampleSessionQueries(
    sessionQueries(
      eventsBetween(inputs.events, split.validationCut, split.testCut),
      sessionOptions
    ),
    config.peerTuneQueries ?? 5000
  )
  log.info(
    `[eval] choosing peer settings on ${validationQueries.query.length.toLocaleString('en')} validation queries`
  )
  const peerChoice = choosePeerSettings(
    sessionize(eventsBetween(inputs.events, split.start, split.validationCut), sessionOptions)
      .sessions,
    ids.length,
    validationQueries,
    popularOf(validation.sources, config.options.assemble.popularCount),
    peers,
    log
  )
  // The session model's recency weights and learned ranking, on the validation session task, read
  // through a build of the validation phase (sources trained before the validation cut).
  const validationLookup = new ArtifactLookup(
    await assembleArtifacts(
      ids,
      inputs.meta,
      validation.sources,
      config.options.assemble,
      validation.blend
    ),
    inputs.pins
  )
  log.info('[eval] fitting the session model on the validation session task')
  const sessionFit = fitSession(
    validationLookup,
    inputs.pins,
    validationQueries,
    validation.blend,
    {
      seed: config.options.seed,
      loss: config.options.blend.loss,
    }
  )
  log.info(
    `[eval] session model: recency ${sessionFit.session.recencyDecay}, context weight ${sessionFit.session.contextWeight}; learned ${
      sessionFit.report.model
        ? `${sessionFit.report.model.loss} HR@20 ${sessionFit.report.model.checkHr20.toFixed(4)} vs rule ${sessionFit.report.model.ruleCheckHr20.toFixed(4)}: ${sessionFit.report.model.kept ? 'kept' : 'not kept'}`
        : 'not fitted'
    }`
  )

  // 2. Train on everything before the test cut; the blend's bucket thresholds scale with the data.
  // Its Pin2Vec comes from the validation phase's model as the build's from its fit's
  // (--holdout-pin2vec), so the test phase scores what a build serves.
  const test = await trainPhase(
    inputs,
    split.testCut,
    config,
    log,
    'test phase',
    reusableSources(validation, config.options.blend.pin2vec),
    // Session lists scored as the ones the blend was fitted on (chosen on validation).
    optionsForBlend(config.options, validation.blend)
  )
  const blend = scaleThresholds(
    { ...validation.blend, session: sessionFit.session },
    validation.trainingEvents,
    test.inputs.events?.time.length ?? 0
  )
  const assemble = (vectorDtype = config.options.assemble.vectorDtype) =>
    assembleArtifacts(
      ids,
      inputs.meta,
      test.sources,
      { ...config.options.assemble, vectorDtype },
      blend
    )
  const artifacts = await assemble()
  const lookup = new ServedRankers(new ArtifactLookup(artifacts, inputs.pins), inputs.pins)

  // 3. Every method, on the same test queries.
  const allQueries = sessionQueries(
    eventsBetween(inputs.events, split.testCut, split.end + 1),
    sessionOptions
  )
  const queries = sampleSessionQueries(allQueries, config.maxQueries)
  const rankers: Record<string, QueryRanker> = {}
  for (const source of artifacts.manifest.sources) {
    rankers[source] = lookup.source(source)
  }
  // `blend` is exactly what the worker serves, fallback included.
  rankers.blend = lookup.served()
  if (blend.model) {
    rankers['blend-weighted'] = lookup.served({ ...blend, model: null })
  }
  rankers.popular = () => new Int32Array(0)
  // Peers always learn from all training sessions, whatever our sources may use.
  const training = indexSessions(
    sessionize(eventsBetween(inputs.events, split.start, split.testCut), sessionOptions).sessions,
    ids.length
  )
  for (const spec of peers) {
    rankers[spec.name] = spec.make(training, peerChoice[spec.name]!.setting)
  }
  if (config.float32 !== false && test.sources.pin2vec) {
    const floatLookup = new ServedRankers(
      new ArtifactLookup(await assemble('float32'), inputs.pins),
      inputs.pins
    )
    rankers['pin2vec-float32'] = floatLookup.source('pin2vec')
    rankers['blend-float32'] = floatLookup.served()
  }
  const thresholds =
    config.bucketThresholds ??
    tercileThresholds(Array.from(queries.query, (q) => test.sources.engagement[q]!))
  const catalogue = test.sources.engagement.reduce(
    (a, e, i) => a + (e > 0 || test.sources.boardDegree[i]! > 0 ? 1 : 0),
    0
  )
  const scoreOptions = {
    k: 50,
    bootstrap: config.bootstrap,
    seed: config.options.seed,
    catalogueSize: catalogue,
    bucketOfQuery: Uint8Array.from(queries.query, (q) =>
      BUCKETS.indexOf(bucketOf(test.sources.engagement[q] ?? 0, thresholds))
    ),
    warm: Uint8Array.from(queries.query, (q) => ((test.sources.engagement[q] ?? 0) > 0 ? 1 : 0)),
    popular: lookup.popularPins(),
    onProgress: (name: string, seconds: number) =>
      log.info(`[eval]   ${name} in ${seconds.toFixed(1)} s`),
  }
  const tasks = {} as Record<Task, TaskScores>
  for (const task of TASKS) {
    log.info(
      `[eval] ${task} task: scoring ${Object.keys(rankers).length} methods on ${queries.query.length.toLocaleString('en')} test queries`
    )
    // Pin2Vec's float32 twin prices quantization, which does not depend on the task.
    const used =
      task === 'one-pin'
        ? rankers
        : Object.fromEntries(Object.entries(rankers).filter(([n]) => !n.endsWith('-float32')))
    tasks[task] = scoreTask(used, queries, task, scoreOptions)
  }
  // 4. Optional: the blend without each source, fitted and scored as the full one (ablation.ts).
  const ablation = config.ablation
    ? await leaveOneSourceOut(
        {
          inputs,
          options: config.options,
          holdout,
          validationCut: split.validationCut,
          testCut: split.testCut,
          validationSources: validation.sources,
          validationEvents: validation.trainingEvents,
          validationQueries,
          testSources: test.sources,
          testEvents: test.inputs.events?.time.length ?? 0,
          sources: artifacts.manifest.sources,
          queries,
          tasks: TASKS,
          scoreOptions,
          full: tasks,
        },
        log
      )
    : null
  const goals = Object.fromEntries(
    TASKS.map((task) => {
      const goal = GOALS[task]
      return [
        task,
        {
          against: goal.peers,
          ...Object.fromEntries(
            goal.metrics.map((m) => [m, compareToBest(tasks[task], goal.ours, goal.peers, m)])
          ),
          // "Never below any peer in any bucket": the best of all peers, group by group.
          allPeersHr20: compareToBest(
            tasks[task],
            goal.ours,
            peers.map((p) => p.name),
            'hr@20'
          ),
        },
      ]
    })
  )

  const metrics = {
    split: {
      start: new Date(split.start).toISOString(),
      validationCut: new Date(split.validationCut).toISOString(),
      testCut: new Date(split.testCut).toISOString(),
      end: new Date(split.end).toISOString(),
      trainingEvents: test.inputs.events?.time.length ?? 0,
      validationQueries: validation.report.validationQueries,
      testQueriesTotal: allQueries.query.length,
      boardRowsAfterCutExcluded: test.boardsAfterCut,
      undatedBoardRowsKept: test.undatedBoardRows,
      leakageWarning:
        test.undatedBoardRows > 0
          ? `${test.undatedBoardRows} board rows have no created_at and were kept in training: they may leak test-time information`
          : null,
    },
    queries: queries.query.length,
    catalogue,
    buckets: thresholds,
    groups: [...GROUPS],
    blend: { ...blend, fit: validation.report, sessionFit: sessionFit.report },
    peers: peerChoice,
    tasks: Object.fromEntries(TASKS.map((t) => [t, tasks[t].results])) as Record<
      Task,
      TaskScores['results']
    >,
    goals: goals as unknown as Record<Task, Record<string, unknown>>,
    ablation,
    config: {
      inputs: config.inputs,
      options: config.options,
      split: config.split,
      bootstrap: config.bootstrap,
      maxQueries: config.maxQueries,
      trainOn: config.trainOn,
      peers: peers.map((p) => p.name),
      ablation: config.ablation ?? false,
    },
    seconds: (performance.now() - started) / 1000,
  }
  await mkdir(config.out, { recursive: true })
  await writeFile(join(config.out, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`)
  await writeFile(join(config.out, 'blend.json'), `${JSON.stringify(blend, null, 2)}\n`)
  await writeFile(join(config.out, 'report.html'), renderReport(metrics))
  await writeFile(join(config.out, 'metrics.md'), renderMarkdown(metrics))
  log.info(
    `[eval] wrote ${join(config.out, 'metrics.json')}, metrics.md, blend.json and report.html`
  )
  return metrics
}
