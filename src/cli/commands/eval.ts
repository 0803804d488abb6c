/**
 * @module
 * `related-pins eval`: offline evaluation on held-out sessions (see docs/evaluation.md).
 */

import { runEval } from '../../eval/run'
import { BuildError } from '../../offline/errors'
import { parseTimestamp } from '../../offline/ingest'
import { createLogger } from '../../offline/log'
import { numberFlag, parseFlags, stringFlag } from '../args'
import { buildOptions, columnMaps, INPUT_FLAGS, INPUT_HELP, inputPaths } from '../build-flags'

export const EVAL_HELP = `Usage: related-pins eval --boards FILE --events FILE [--pins FILE] --out DIR

Temporal split of the events: sources are trained on what happened before the cut; the blend is
tuned, and every peer's setting chosen, on a validation slice just before it. Every source, the
served blend and the peers (SAR, AR, SR, item-kNN, SKNN, V-SKNN, STAN) are scored on the held-out
sessions' next pins new to the session, in two tasks: one pin, and the pin with up to 10 earlier
pins as context; all under the served answer's exclusions and popular fallback, through the
worker's own decoding and ranking code. Writes DIR/metrics.json, DIR/metrics.md, DIR/report.html
and DIR/blend.json (the tuned blend).
  --out DIR                    output directory (required)
  --test-fraction F            last share of the time span held out for testing (0.2)
  --validation-fraction F      share just before it used to tune the blend (0.1)
  --test-cut TIME              explicit test cut (ISO-8601 or Unix time); overrides --test-fraction
  --bucket-thresholds A,B      tail <= A < torso <= B < head (default: terciles of test queries)
  --tune-step X                grid step of blend weight tuning (0.1)
  --bootstrap N                bootstrap resamples for intervals (200)
  --max-queries N              evaluate an evenly spaced sample of N queries, 0 = all (50000)
  --peer-tune-queries N        validation queries that choose each peer's and the session model's
                               settings, 0 = all (5000)
  --train-on S                 all | boards | events: let the sources learn from one signal only
                               (test sessions still come from the events) (all)
${INPUT_HELP}`

export async function evalCommand(argv: string[]): Promise<Record<string, unknown> | null> {
  const flags = parseFlags('eval', argv, {
    ...INPUT_FLAGS,
    out: { type: 'string' },
    'test-fraction': { type: 'string' },
    'validation-fraction': { type: 'string' },
    'test-cut': { type: 'string' },
    'bucket-thresholds': { type: 'string' },
    'tune-step': { type: 'string' },
    bootstrap: { type: 'string' },
    'max-queries': { type: 'string' },
    'peer-tune-queries': { type: 'string' },
    'train-on': { type: 'string' },
  })
  if (flags.help) {
    console.log(EVAL_HELP)
    return null
  }
  const out = stringFlag(flags, 'out')
  if (!out) {
    throw new BuildError('config', 'eval: --out DIR is required')
  }
  const testFraction = numberFlag(flags, 'test-fraction', 0.2, { min: 0.01, max: 0.9 })
  const validationFraction = numberFlag(flags, 'validation-fraction', 0.1, { min: 0.01, max: 0.9 })
  if (testFraction + validationFraction >= 1) {
    throw new BuildError('config', '--test-fraction plus --validation-fraction must be below 1')
  }
  const rawCut = stringFlag(flags, 'test-cut')
  const testCut = rawCut === undefined ? undefined : parseTimestamp(rawCut)
  if (testCut === null) {
    throw new BuildError('config', `--test-cut: cannot parse '${rawCut}' as ISO-8601 or Unix time`)
  }
  let bucketThresholds: { tailMax: number; torsoMax: number } | undefined
  const rawBuckets = stringFlag(flags, 'bucket-thresholds')
  if (rawBuckets !== undefined) {
    const [a, b] = rawBuckets.split(',').map(Number)
    if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || a > b) {
      throw new BuildError(
        'config',
        `--bucket-thresholds expects A,B with A <= B, got '${rawBuckets}'`
      )
    }
    bucketThresholds = { tailMax: a, torsoMax: b }
  }
  const trainOn = stringFlag(flags, 'train-on') ?? 'all'
  if (trainOn !== 'all' && trainOn !== 'boards' && trainOn !== 'events') {
    throw new BuildError('config', `--train-on must be all, boards or events, got '${trainOn}'`)
  }
  const metrics = await runEval(
    {
      inputs: inputPaths(flags),
      out,
      skipBadRows: Boolean(flags['skip-bad-rows']),
      columns: columnMaps(flags),
      options: buildOptions(flags),
      split: { testFraction, validationFraction, testCut },
      bucketThresholds,
      tuneStep: numberFlag(flags, 'tune-step', 0.1, { min: 0.01, max: 0.5 }),
      bootstrap: numberFlag(flags, 'bootstrap', 200, { integer: true, min: 10 }),
      maxQueries: numberFlag(flags, 'max-queries', 50_000, { integer: true, min: 0 }),
      peerTuneQueries: numberFlag(flags, 'peer-tune-queries', 5000, { integer: true, min: 0 }),
      trainOn,
    },
    createLogger({ silent: Boolean(flags.quiet) })
  )
  const tasks = metrics.tasks as Record<string, Record<string, { overall: Record<string, number> }>>
  for (const [task, results] of Object.entries(tasks)) {
    console.log(`${task} task (targets new to the session, served rules for every method):`)
    for (const [name, r] of Object.entries(results)) {
      console.log(
        `  ${name.padEnd(16)} HR@20 ${(r.overall['hr@20']! * 100).toFixed(2).padStart(6)}%  MRR@20 ${r.overall['mrr@20']!.toFixed(4)}  NDCG@20 ${r.overall['ndcg@20']!.toFixed(4)}`
      )
    }
  }
  return metrics
}
