import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { openShardSync, SOURCE_BIT } from '../../src/core/artifact'
import { DEFAULT_BLEND } from '../../src/core/defaults'
import { shardOf } from '../../src/core/hash'
import { createRandom } from '../../src/core/random'
import { ablatedName, withoutSource } from '../../src/eval/ablation'
import { type EvalMetrics, runEval } from '../../src/eval/run'
import { assembleArtifacts } from '../../src/offline/assemble'
import { computeSources } from '../../src/offline/candidate-sources'
import { buildOptions } from '../../src/offline/config'
import { loadInputs } from '../../src/offline/inputs'
import { silentLogger } from '../../src/offline/log'
import { NODE_SHARD_READ } from '../../src/offline/shard-codecs'

// A world where board co-occurrence is the only source that can find the test targets: pin a_i
// shares one board with b_i, and the session (a_i, b_i) happens only once, in the validation slice
// for the first half of the pairs and in the test slice for the second half. Before the test cut,
// b_i of a test pair was never engaged, so neither sessions nor Pin2Vec can propose it. Noise
// sessions (a_j then random other pins) run through the whole time span so that a_j has session
// and Pin2Vec candidates too. Walks are off: they would find b_i on the board as well.
const PAIRS = 300
const NOISE_PINS = 300
const NOISE_SESSIONS = 1500
const DAY = 86_400_000
const T0 = Date.parse('2026-01-01T00:00:00Z')
const iso = (t: number): string => new Date(t).toISOString()

async function writeBoardOnlyWorld(dir: string): Promise<void> {
  const boards = ['board_id,pin_id,created_at']
  for (let i = 0; i < PAIRS; i++) {
    boards.push(`g${i},a${i},${iso(T0 - 10 * DAY)}`, `g${i},b${i},${iso(T0 - 10 * DAY)}`)
  }
  const random = createRandom(7)
  const events = ['user_id,pin_id,action,timestamp']
  for (let s = 0; s < NOISE_SESSIONS; s++) {
    const start = T0 + (s / (NOISE_SESSIONS - 1)) * 100 * DAY
    const pins = [`a${random.int(PAIRS)}`, ...[0, 1, 2].map(() => `n${random.int(NOISE_PINS)}`)]
    pins.forEach((p, k) => {
      events.push(`s${s},${p},click,${iso(start + k * 60_000)}`)
    })
  }
  // Validation slice: days 70–80; test slice: days 80–100 (the default 10% / 20% of the span).
  const half = PAIRS / 2
  for (let i = 0; i < PAIRS; i++) {
    const start =
      i < half ? T0 + (70.5 + (9 * i) / half) * DAY : T0 + (80.5 + (19 * (i - half)) / half) * DAY
    events.push(`p${i},a${i},click,${iso(start)}`, `p${i},b${i},click,${iso(start + 60_000)}`)
  }
  await writeFile(join(dir, 'boards.csv'), `${boards.join('\n')}\n`)
  await writeFile(join(dir, 'events.csv'), `${events.join('\n')}\n`)
}

const options = buildOptions({
  walk: { minCooc: 0 },
  pin2vec: { deterministic: true },
  blend: { tuneStep: 0.25 },
})

let dir: string
let plain: EvalMetrics
let ablated: EvalMetrics

const evaluate = (ablation: boolean) =>
  runEval(
    {
      inputs: { boards: join(dir, 'boards.csv'), events: join(dir, 'events.csv') },
      out: join(dir, ablation ? 'eval-ablation' : 'eval'),
      options,
      split: { testFraction: 0.2, validationFraction: 0.1 },
      bootstrap: 100,
      maxQueries: 0,
      peerTuneQueries: 500,
      float32: false,
      trainOn: 'all',
      ablation,
    },
    silentLogger
  )

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rp-ablation-'))
  await writeBoardOnlyWorld(dir)
  plain = await evaluate(false)
  ablated = await evaluate(true)
}, 900_000)

describe('leave-one-source-out ablation', () => {
  it('removes every candidate and score of the left-out source from the build', async () => {
    const inputs = await loadInputs(
      { boards: join(dir, 'boards.csv'), events: join(dir, 'events.csv') },
      options.ingest,
      silentLogger
    )
    const sources = await computeSources(inputs, options, silentLogger)
    const fromCooc = async (s: typeof sources) => {
      const artifacts = await assembleArtifacts(
        inputs.pins.ids,
        inputs.meta,
        s,
        options.assemble,
        DEFAULT_BLEND
      )
      const { shardCount, shardTag } = artifacts.manifest
      let count = 0
      for (const id of inputs.pins.ids) {
        const index = shardOf(id, shardCount)
        const reader = openShardSync(
          artifacts.shards[index]!,
          { index, shardCount, shardTag },
          { inflateRaw: NODE_SHARD_READ.inflateRaw }
        )
        for (const c of reader.get(id)?.candidates ?? []) {
          count += c.sources & SOURCE_BIT.cooc || c.scores.cooc !== undefined ? 1 : 0
        }
      }
      return { count, sources: artifacts.manifest.sources }
    }
    const full = await fromCooc(sources)
    expect(full.sources).toContain('cooc')
    expect(full.count).toBeGreaterThanOrEqual(PAIRS)
    const without = await fromCooc(withoutSource(sources, 'cooc'))
    expect(without.sources).not.toContain('cooc')
    expect(without.sources).toEqual(full.sources.filter((s) => s !== 'cooc'))
    expect(without.count).toBe(0)
  })

  it('reports the blend without each source of the build, on both tasks', () => {
    const report = ablated.ablation!
    expect(report.rows.map((r) => r.source)).toEqual(['cooc', 'pin2vec', 'session'])
    for (const row of report.rows) {
      expect(row.blend.weights).toBeDefined()
      for (const task of ['one-pin', 'session'] as const) {
        const { result, vsBlend } = row.tasks[task]
        expect(result.overall.n).toBe(ablated.queries)
        expect(vsBlend['hr@20'].ours).toBe(ablatedName(row.source))
        expect(vsBlend['hr@20'].best).toBe('blend')
        expect(vsBlend['hr@20'].bestValue).toBe(ablated.tasks[task].blend!.overall['hr@20'])
        expect(vsBlend['hr@20'].ourValue).toBe(result.overall['hr@20'])
      }
    }
    expect(plain.ablation).toBeNull()
  })

  it('scores lower without the only source that finds the test targets', () => {
    const row = ablated.ablation!.rows.find((r) => r.source === 'cooc')!
    for (const task of ['one-pin', 'session'] as const) {
      const full = ablated.tasks[task].blend!.overall['hr@20']
      const hr = row.tasks[task].result.overall['hr@20']
      // Test pairs are ~1/7 of the test queries; the blend finds nearly all of them.
      expect(full - hr).toBeGreaterThan(0.08)
      expect(row.tasks[task].vsBlend['hr@20'].difference95[1]).toBeLessThan(0)
    }
  })

  it('leaves the full evaluation unchanged', () => {
    expect(ablated.tasks).toEqual(plain.tasks)
    const { fit: _f, sessionFit: _s, ...servedBlend } = ablated.blend
    const { fit: _pf, sessionFit: _ps, ...plainBlend } = plain.blend
    expect(servedBlend).toEqual(plainBlend)
    expect(ablated.goals).toEqual(plain.goals)
  })

  it('prints the ablation table in metrics.md and report.html', async () => {
    const { readFile } = await import('node:fs/promises')
    const md = await readFile(join(dir, 'eval-ablation', 'metrics.md'), 'utf8')
    expect(md).toContain('#### Leave one source out')
    expect(md).toMatch(/\| one-pin \| without cooc \| [\d.]+ \[/)
    const plainMd = await readFile(join(dir, 'eval', 'metrics.md'), 'utf8')
    expect(plainMd).not.toContain('Leave one source out')
    const html = await readFile(join(dir, 'eval-ablation', 'report.html'), 'utf8')
    expect(html).toContain('<h2>Leave one source out</h2>')
    expect(html).toContain('without cooc')
    const plainHtml = await readFile(join(dir, 'eval', 'report.html'), 'utf8')
    expect(plainHtml).not.toContain('Leave one source out')
  })
})
