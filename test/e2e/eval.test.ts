import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseBlend } from '../../src/core/artifact'
import { PEER_NAMES } from '../../src/eval/options'
import { PEERS } from '../../src/eval/peers/registry'
import { type EvalMetrics, GOALS, runEval } from '../../src/eval/run'
import { GROUPS } from '../../src/eval/score-task'
import { TASKS } from '../../src/eval/session-task'
import { buildOptions } from '../../src/offline/config'
import { generateWorld, writeWorld } from '../../src/offline/generate'
import { silentLogger } from '../../src/offline/log'

// The whole evaluation on a small generated world: every peer tuned and scored in both tasks, the
// float32 twins, the goals and the files `related-pins eval` writes. (The single-signal files
// check the blend against our sources on a larger world, without peers.)
let dir: string
let metrics: EvalMetrics

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rp-eval-'))
  await writeWorld(generateWorld({ pins: 300, seed: 9 }), dir)
  metrics = await runEval(
    {
      inputs: { boards: join(dir, 'boards.csv'), events: join(dir, 'events.csv') },
      out: join(dir, 'eval'),
      options: buildOptions({ blend: { tuneStep: 0.25 } }),
      split: { testFraction: 0.2, validationFraction: 0.1 },
      bootstrap: 50,
      maxQueries: 500,
      peerTuneQueries: 150,
      float32: true,
      trainOn: 'all',
    },
    silentLogger
  )
  // A build, seven tuned peers and two scored tasks on a shared 2-core machine.
}, 900_000)

describe('related-pins eval end to end', () => {
  it('scores every source, the blend, popular and every peer in both tasks, float32 twins in one-pin', () => {
    const ours = ['cooc', 'session', 'pin2vec', 'blend', 'popular']
    for (const task of TASKS) {
      const methods = Object.keys(metrics.tasks[task])
      expect(methods).toEqual(expect.arrayContaining([...ours, ...PEER_NAMES]))
      const float32 = methods.filter((m) => m.endsWith('-float32'))
      expect(float32.sort()).toEqual(task === 'one-pin' ? ['blend-float32', 'pin2vec-float32'] : [])
      for (const [name, result] of Object.entries(metrics.tasks[task])) {
        for (const group of GROUPS) {
          const { n, ci, ...values } = result[group]
          expect(n, `${task} ${name} ${group}`).toBeGreaterThanOrEqual(0)
          for (const v of Object.values(values)) {
            expect(v).toBeGreaterThanOrEqual(0)
            expect(v).toBeLessThanOrEqual(1)
          }
          const [lo, hi] = ci['hr@20']
          if (n > 0) {
            expect(lo).toBeLessThanOrEqual(result[group]['hr@20'])
            expect(hi).toBeGreaterThanOrEqual(result[group]['hr@20'])
          }
        }
      }
      expect(metrics.tasks[task].blend!.overall.n).toBe(metrics.queries)
      // The generated world has topics: the blend beats the popular list.
      expect(metrics.tasks[task].blend!.overall['hr@20']).toBeGreaterThan(
        metrics.tasks[task].popular!.overall['hr@20']
      )
    }
  })

  it('chooses each peer a setting of its own list on validation, and compares the blend with the goal peers', () => {
    for (const spec of PEERS) {
      const choice = metrics.peers[spec.name]!
      expect(spec.settings).toContainEqual(choice.setting)
      // One score per setting tried (NaN when there is only one to choose).
      expect(choice.validationHr20).toHaveLength(spec.settings.length)
    }
    for (const task of TASKS) {
      const goal = metrics.goals[task] as Record<
        string,
        Record<string, { best: string; ratio: number }>
      >
      for (const metric of GOALS[task].metrics) {
        const overall = goal[metric]!.overall!
        expect(GOALS[task].peers).toContain(overall.best)
        const result = metrics.tasks[task]
        expect(overall.ratio).toBeCloseTo(
          result.blend!.overall[metric] / result[overall.best]!.overall[metric],
          12
        )
      }
    }
  })

  it('writes metrics.json, metrics.md, report.html and a blend.json that passes the worker check', async () => {
    const out = join(dir, 'eval')
    expect(JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8')).queries).toBe(
      metrics.queries
    )
    expect(await readFile(join(out, 'metrics.md'), 'utf8')).toContain('v-sknn')
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain('<h2>')
    const blend = parseBlend(JSON.parse(await readFile(join(out, 'blend.json'), 'utf8')))
    expect(blend.session).toEqual(metrics.blend.session)
    // The session scoring chosen on validation travels with the blend it was fitted for.
    expect(blend.sessionCooc).toEqual(metrics.blend.sessionCooc)
    expect(blend.sessionCooc).toEqual(metrics.blend.fit.sessionScoring?.chosen)
  })
})
