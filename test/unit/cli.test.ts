import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CommanderError } from 'commander'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { BuildCommandOptions } from '../../src/cli/commands/build'
import type { EvalCommandOptions } from '../../src/cli/commands/eval'
import { runCli } from '../../src/cli/program'
import { DEFAULT_EVAL_SETTINGS } from '../../src/eval/options'
import { DEFAULT_BUILD_OPTIONS } from '../../src/offline/config'

// The commands themselves are replaced: these tests check what the CLI hands them.
const calls = vi.hoisted(() => ({ build: [] as unknown[], eval: [] as unknown[] }))
vi.mock('../../src/cli/commands/build', () => ({
  buildCommand: async (o: unknown) => {
    calls.build.push(o)
  },
}))
vi.mock('../../src/cli/commands/eval', () => ({
  evalCommand: async (o: unknown) => {
    calls.eval.push(o)
  },
}))

let stderr: string[]
beforeEach(() => {
  calls.build.length = 0
  calls.eval.length = 0
  stderr = []
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr.push(String(chunk))
    return true
  })
})
afterEach(() => {
  vi.restoreAllMocks()
})

async function build(...argv: string[]): Promise<BuildCommandOptions> {
  await runCli(['build', ...argv])
  return calls.build.at(-1) as BuildCommandOptions
}

async function cliError(argv: string[]): Promise<string> {
  await expect(runCli(argv)).rejects.toBeInstanceOf(CommanderError)
  return stderr.join('')
}

describe('related-pins build flags', () => {
  it('hands the stage defaults through untouched when no model flag is given', async () => {
    const run = await build('--boards', 'b.csv', '--events', 'e.csv')
    expect(run.options).toEqual(DEFAULT_BUILD_OPTIONS)
    expect(run.inputs).toEqual({ boards: 'b.csv', events: 'e.csv', pins: undefined })
    expect(run.out).toBe('artifacts')
    expect(run.quiet).toBe(false)
  })

  it('sets each flag in its own stage and leaves the defaults object alone', async () => {
    const before = structuredClone(DEFAULT_BUILD_OPTIONS)
    const { options } = await build(
      ...['--top-n', '20', '--seed', '7', '--cooc-scoring', 'raw', '--cooc-board-weight', '0.5'],
      ...['--walk-min-cooc', '0', '--session-gap', '15', '--session-scoring', 'jaccard'],
      ...['--recent-fraction', '0.25'],
      ...['--action-weight', 'SAVE=2', '--action-weight', 'view=0', '--dims', '32'],
      ...['--pins-per-shard', '4', '--vector-dtype', 'float32', '--holdout', '0'],
      ...['--boards-col', 'pin_id=item', '--boards-col', 'board_id=b', '--skip-bad-rows']
    )
    expect(options.topN).toBe(20)
    expect(options.seed).toBe(7)
    expect(options.cooc).toEqual({
      ...DEFAULT_BUILD_OPTIONS.cooc,
      scoring: 'raw',
      boardWeight: 0.5,
    })
    expect(options.walk).toEqual({ ...DEFAULT_BUILD_OPTIONS.walk, minCooc: 0 })
    expect(options.sessions).toEqual({
      gapMinutes: 15,
      actionWeights: { save: 2, click: 0.75, closeup: 0.5, view: 0 },
      otherActionWeight: 0.5,
      recentFraction: 0.25,
    })
    expect(options.sessionCooc.scoring).toBe('jaccard')
    expect(options.pin2vec).toEqual({ ...DEFAULT_BUILD_OPTIONS.pin2vec, dims: 32 })
    expect(options.assemble).toEqual({
      ...DEFAULT_BUILD_OPTIONS.assemble,
      pinsPerShard: 4,
      vectorDtype: 'float32',
    })
    expect(options.blend).toEqual({ ...DEFAULT_BUILD_OPTIONS.blend, holdout: 0 })
    expect(options.ingest).toEqual({
      skipBadRows: true,
      columns: { boards: { pin_id: 'item', board_id: 'b' }, events: {}, pins: {} },
    })
    expect(DEFAULT_BUILD_OPTIONS).toEqual(before)
  })

  it('gives eval the build flags plus its own, with their defaults', async () => {
    await runCli(['eval', '--events', 'e.csv', '--out', 'o', '--tune-step', '0.25'])
    await runCli(['eval', '--events', 'e.csv', '--out', 'o', '--train-on', 'boards'])
    const [first, second] = calls.eval as EvalCommandOptions[]
    expect(first!.options.blend.tuneStep).toBe(0.25)
    expect(first!.settings).toEqual(DEFAULT_EVAL_SETTINGS)
    expect(second!.settings).toEqual({ ...DEFAULT_EVAL_SETTINGS, trainOn: 'boards' })
  })

  it('takes the peers eval scores as a list, or none', async () => {
    await runCli(['eval', '--events', 'e.csv', '--out', 'o', '--peers', 'stan,sar,stan'])
    await runCli(['eval', '--events', 'e.csv', '--out', 'o', '--peers', 'none'])
    const [some, none] = calls.eval as EvalCommandOptions[]
    expect(some!.settings.peers).toEqual(['stan', 'sar'])
    expect(none!.settings.peers).toEqual([])
    expect(DEFAULT_EVAL_SETTINGS.peers).toHaveLength(7)
  })

  it('prints every default from the stage defaults in --help', async () => {
    let help = ''
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      help += String(chunk)
      return true
    })
    await expect(runCli(['build', '--help'])).rejects.toMatchObject({ exitCode: 0 })
    const flat = help.replace(/\s+/g, ' ')
    expect(flat).toContain(
      `--top-n <N> neighbours per pin and source (default: ${DEFAULT_BUILD_OPTIONS.topN})`
    )
    expect(flat).toContain(`(default: ${DEFAULT_BUILD_OPTIONS.cooc.scoring})`)
    expect(flat).toContain('(default: save=1, click=0.75, closeup=0.5)')
    expect(calls.build).toHaveLength(0)
  })
})

describe('related-pins mistakes', () => {
  it.each([
    [
      ['build', '--top-n', 'abc'],
      /^related-pins build: option '--top-n <N>' argument 'abc' is invalid\. expected an integer from 1 to 1000\./,
    ],
    [['build', '--cooc-scoring', 'best'], /expected one of raw, weighted, cosine/],
    [['build', '--bogus'], /^related-pins build: unknown option '--bogus'/],
    [['build', '--action-weight', 'save'], /expected KEY=VALUE/],
    [
      ['eval', '--events', 'e.csv'],
      /^related-pins eval: required option '--out <DIR>' not specified/,
    ],
    [['eval', '--out', 'o', '--bucket-thresholds', '9,3'], /expected A,B with A <= B/],
    [['eval', '--out', 'o', '--peers', 'sar,gru4rec'], /expected none or some of sar, ar, sr/],
    [['frobnicate'], /^related-pins: unknown command 'frobnicate'/],
  ])('%j ends in one line naming the flag', async (argv, message) => {
    const text = await cliError(argv)
    expect(text).toMatch(message)
    expect(text.trimEnd().split('\n')).toHaveLength(1)
    expect(calls.build).toHaveLength(0)
    expect(calls.eval).toHaveLength(0)
  })
})

describe('the related-pins binary', () => {
  const bin = join(import.meta.dirname, '..', '..', 'bin', 'related-pins.mjs')
  const run = async (argv: string[]) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...argv])
      return { code: 0, stdout, stderr }
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string }
      return { code: e.code, stdout: e.stdout, stderr: e.stderr }
    }
  }

  it('exits 1 with one line and no stack trace, for a flag or an input mistake', async () => {
    const [flag, input] = await Promise.all([
      run(['build', '--seed', '-1']),
      run(['build', '--quiet', '--boards', join(import.meta.dirname, 'no-such-file.csv')]),
    ])
    expect(flag.code).toBe(1)
    expect(flag.stderr.trimEnd().split('\n')).toEqual([
      "related-pins build: option '--seed <N>' argument '-1' is invalid. expected an integer >= 0. (see `related-pins build --help`)",
    ])
    expect(input.code).toBe(1)
    expect(input.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(input.stderr).toMatch(
      /^related-pins: \[build:ingest\] .*no-such-file\.csv: file not found/
    )
  })
})
