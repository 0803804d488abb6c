/**
 * `npm run bench -- sweep`: chooses Pin2Vec defaults for recommendation. For each dataset
 * (generated world, online-retail), trains Pin2Vec on sessions before a temporal cut and scores
 * recall@20 of its cosine neighbours on next-pin queries of the held-out sessions, varying one
 * option at a time from word2vec's NLP defaults. Writes the table to docs/benchmarks.md
 * ("Pin2Vec defaults sweep") and bench/results.json ("sweep").
 *
 * `--pins N --seed S` sweeps a generated world of another size (kept in bench/data), and
 * `--only "epochs 2,epochs 3"` runs only the named variants, `--datasets online-retail` only the
 * named datasets (`--retail DIR`: where online-retail is); such a partial sweep gets its own
 * section and key (named by its datasets), so the full table stays as it was measured.
 */

import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { computeSplit, eventsBetween, trainingInputs } from '../src/offline/blend/split'
import { nextPinQueries } from '../src/offline/blend/task'
import { DEFAULT_BUILD_OPTIONS } from '../src/offline/config'
import { generateWorld, writeWorld } from '../src/offline/generate'
import { loadInputs } from '../src/offline/inputs'
import { silentLogger } from '../src/offline/log'
import { nearestNeighbours, type Pin2VecOptions, trainPin2Vec } from '../src/offline/pin2vec'
import { sessionizeOptions } from '../src/offline/sessions/options'
import { sessionCorpus, sessionize } from '../src/offline/sessions/sessionize'
import { machine, mergeResults, ROOT, writeDocSection } from './lib/results'
import { flag } from './scale'

type Dataset = { name: string; boards: string; events: string; pins: string }

type DatasetChoice = { pins: number; seed: number; names: string[]; retail: string }

async function datasets({ pins, seed, names, retail }: DatasetChoice): Promise<Dataset[]> {
  const out: Dataset[] = []
  if (names.includes('generated')) {
    const gen = join(
      ROOT,
      'bench',
      'data',
      pins === 5000 && seed === 42 ? 'gen-5000' : `gen-${pins}-seed-${seed}`
    )
    if (!existsSync(join(gen, 'events.csv'))) {
      await writeWorld(generateWorld({ pins, seed }), gen)
    }
    out.push({
      name: `generated (${pins.toLocaleString('en')} pins${seed === 42 ? '' : `, seed ${seed}`})`,
      boards: join(gen, 'boards.csv'),
      events: join(gen, 'events.csv'),
      pins: join(gen, 'pins.csv'),
    })
  }
  if (names.includes('online-retail')) {
    if (existsSync(join(retail, 'events.csv.gz'))) {
      out.push({
        name: 'online-retail',
        boards: join(retail, 'boards.csv.gz'),
        events: join(retail, 'events.csv.gz'),
        pins: join(retail, 'pins.csv.gz'),
      })
    } else {
      console.error(`[sweep] online-retail skipped: no events.csv.gz in ${retail} (--retail DIR)`)
    }
  }
  return out
}

const BASE: Partial<Pin2VecOptions> = {
  sample: 1e-3,
  nsExponent: 0.75,
  window: 5,
  epochs: 5,
  dims: 64,
  negatives: 5,
  threads: 2,
  seed: 42,
}
const VARIANTS: [string, Partial<Pin2VecOptions>][] = [
  ['word2vec defaults', {}],
  ['sample 1e-4', { sample: 1e-4 }],
  ['sample 1e-5', { sample: 1e-5 }],
  ['sample 0', { sample: 0 }],
  ['ns exponent 0.5', { nsExponent: 0.5 }],
  ['ns exponent 0', { nsExponent: 0 }],
  ['ns exponent 1', { nsExponent: 1 }],
  ['window 2', { window: 2 }],
  ['window 10', { window: 10 }],
  ['epochs 1', { epochs: 1 }],
  ['epochs 2', { epochs: 2 }],
  ['epochs 3', { epochs: 3 }],
  ['epochs 10', { epochs: 10 }],
  ['epochs 20', { epochs: 20 }],
  ['sample 3e-4', { sample: 3e-4 }],
  ['sample 3e-4, ns 0.5', { sample: 3e-4, nsExponent: 0.5 }],
  ['sample 1e-4, ns 0', { sample: 1e-4, nsExponent: 0 }],
  ['ns 0.5, window 3', { nsExponent: 0.5, window: 3 }],
  ['ns 0.25', { nsExponent: 0.25 }],
]

export async function run(argv: string[]): Promise<void> {
  const extra = argv.includes('--combined')
    ? [
        ['combined', JSON.parse(argv[argv.indexOf('--combined') + 1] ?? '{}')] as [
          string,
          Partial<Pin2VecOptions>,
        ],
      ]
    : []
  const pins = Number(flag(argv, 'pins', '5000'))
  const seed = Number(flag(argv, 'seed', '42'))
  const only = argv.includes('--only') ? flag(argv, 'only', '').split(',') : null
  const unknown = (only ?? []).filter((l) => !VARIANTS.some(([v]) => v === l))
  if (unknown.length > 0) {
    throw new Error(
      `bench sweep: unknown variant(s) ${unknown.join(', ')} (known: ${VARIANTS.map(([v]) => v).join(', ')})`
    )
  }
  const variants = [...VARIANTS.filter(([label]) => !only || only.includes(label)), ...extra]
  const partial = only !== null || pins !== 5000 || seed !== 42 || argv.includes('--datasets')
  const results: Record<string, Record<string, number>> = {}
  const seconds: Record<string, Record<string, number>> = {}
  const names = flag(argv, 'datasets', 'generated,online-retail').split(',')
  const retail = flag(argv, 'retail', join(ROOT, '..', 'shared', 'data', 'online-retail'))
  for (const ds of await datasets({ pins, seed, names, retail })) {
    const inputs = await loadInputs(
      ds,
      { skipBadRows: false, columns: { boards: {}, events: {}, pins: {} } },
      silentLogger
    )
    const split = computeSplit(inputs.events!, { testFraction: 0.2, validationFraction: 0.1 })
    // Defaults are chosen here, so score on the validation slice, never on eval's test slice.
    const train = trainingInputs(inputs, split.validationCut).inputs
    const sessionOptions = sessionizeOptions(
      inputs.events!.actions.ids,
      DEFAULT_BUILD_OPTIONS.sessions
    )
    const corpus = sessionCorpus(sessionize(train.events!, sessionOptions).sessions)
    const queries = nextPinQueries(
      eventsBetween(inputs.events!, split.validationCut, split.testCut),
      sessionOptions
    )
    results[ds.name] = {}
    seconds[ds.name] = {}
    for (const [label, variant] of variants) {
      const trained = await trainPin2Vec(
        corpus,
        inputs.pins.size,
        { ...BASE, ...variant },
        silentLogger
      )
      const knn = nearestNeighbours(trained.embeddings, trained.trained, 20)
      trained.embeddings.dispose()
      let hits = 0
      for (let q = 0; q < queries.query.length; q++) {
        const row = knn.indices.subarray(queries.query[q]! * 20, queries.query[q]! * 20 + 20)
        hits += row.includes(queries.target[q]!) ? 1 : 0
      }
      results[ds.name]![label] = hits / queries.query.length
      seconds[ds.name]![label] = trained.seconds
      console.error(
        `[sweep] ${ds.name} ${label}: recall@20 ${(hits / queries.query.length).toFixed(4)} (${trained.seconds.toFixed(1)} s)`
      )
    }
  }
  const quoted = argv.map((a) => (/\s/.test(a) ? `"${a}"` : a))
  const command = `npm run bench -- sweep${argv.length > 0 ? ` ${quoted.join(' ')}` : ''}`
  const columns = Object.keys(results)
  // A partial sweep (other world, some variants) is its own section, beside the full table.
  const key = partial ? `sweep: ${columns.join(', ')}` : 'sweep'
  await mergeResults(key, { base: BASE, recallAt20: results, trainSeconds: seconds })
  const rows = variants.map(
    ([l]) =>
      `| ${l} | ${columns.map((n) => `${(results[n]![l]! * 100).toFixed(2)} | ${seconds[n]![l]!.toFixed(1)}`).join(' | ')} |`
  )
  await writeDocSection(
    partial ? `Pin2Vec defaults sweep: ${columns.join(' and ')}` : 'Pin2Vec defaults sweep',
    `Command: \`${command}\` (${new Date().toISOString().slice(0, 10)}; ${machine()}).
Pin2Vec alone, recall@20 (%) of its top-20 cosine neighbours for the next pin of held-out sessions (the validation slice: the 10% of the time span before eval's test cut), trained on the sessions before it; train s is the training wall time. Base: ${JSON.stringify(BASE)}; each row changes one option.

| variant | ${columns.map((n) => `${n} | train s`).join(' | ')} |
|---|${columns.map(() => '---|---|').join('')}
${rows.join('\n')}`
  )
}
