/**
 * @module
 * The `related-pins` command line as a commander program. Commands load their implementation only
 * when they run, so `--help` and usage errors answer without loading the pipeline or tfjs.
 * Build and eval flags come from the table in build-flags.ts.
 */

import { Command, Option } from 'commander'
import type { InputPaths } from '../offline/config'
import type { ShardSlice } from '../offline/slice'
import {
  applyFlags,
  BUILD_ONLY_FLAGS,
  DEFAULT_BUILD_OPTIONS,
  DEFAULT_EVAL_SETTINGS,
  EVAL_BUILD_FLAGS,
  EVAL_FLAGS,
  type FlagSpec,
  helpOf,
  MODEL_FLAGS,
} from './build-flags'
import { int, shardSlice } from './parse'

const INPUTS = 'Inputs (CSV, TSV or JSONL, optionally .gz; see docs/data-format.md):'
const PORT = int({ min: 0, max: 65535 })

/** Add table flags to `cmd`; returns a reader of their values after parsing. */
function addFlags<O>(cmd: Command, specs: FlagSpec<O>[], defaults: O): (cmd: Command) => O {
  const keys = new Map<FlagSpec<O>, string>()
  for (const spec of specs) {
    const option = new Option(spec.flags, helpOf(spec, defaults)).helpGroup(spec.group)
    const parse = spec.parse
    if (parse) {
      option.argParser((raw: string, previous: unknown) => parse(raw, previous))
    }
    cmd.addOption(option)
    keys.set(spec, option.attributeName())
  }
  return (parsed) => {
    const values = parsed.opts()
    return applyFlags(specs, defaults, (spec) => values[keys.get(spec)!])
  }
}

function addInputs(cmd: Command): (cmd: Command) => InputPaths {
  cmd
    .addOption(new Option('--boards <FILE>', 'board_id,pin_id[,created_at]').helpGroup(INPUTS))
    .addOption(new Option('--events <FILE>', 'user_id,pin_id,action,timestamp').helpGroup(INPUTS))
    .addOption(
      new Option('--pins <FILE>', 'pin_id,title[,image_url,link] (optional)').helpGroup(INPUTS)
    )
  return (parsed) => {
    const { boards, events, pins } = parsed.opts<InputPaths>()
    return { boards, events, pins }
  }
}

const quiet = (): Option => new Option('-q, --quiet', 'no progress on stderr')

function buildCommand(): Command {
  const cmd = new Command('build')
    .summary('build sharded, versioned KV artifacts from boards, events and pins')
    .description(
      'Build the artifacts the worker serves: board co-occurrence, sessions, Pin2Vec, int8 vectors, sharded KV values (shards/), manifest.json, kv-bulk/*.json and report.json.'
    )
    .option('--out <DIR>', 'output directory', 'artifacts')
    .option(
      '--blend <FILE>',
      'ship this blend (e.g. blend.json from `related-pins eval`) instead of fitting one'
    )
    .option(
      '--write-candidates',
      'also write OUT/candidates/{cooc,walk,session,pin2vec,pins}.parquet (docs/data-format.md#candidate-files)'
    )
    .option(
      '--from-candidates <DIR>',
      'assemble from candidate files made anywhere, plus --pins; no --boards/--events, nothing is trained'
    )
    .addOption(
      new Option(
        '--shard-slice <i/n>',
        'with --from-candidates: encode only the shards s with s mod n = i, so n machines assemble one build in parallel; copy the n OUT directories together to join them (docs/scaling.md#sharded-assembly)'
      ).argParser(shardSlice)
    )
    .addOption(quiet())
  const inputs = addInputs(cmd)
  const options = addFlags(cmd, [...MODEL_FLAGS, ...BUILD_ONLY_FLAGS], DEFAULT_BUILD_OPTIONS)
  return cmd.action(async (_opts, self: Command) => {
    const commands = await import('./commands/build')
    const o = self.opts<{
      out: string
      blend?: string
      quiet?: boolean
      writeCandidates?: boolean
      fromCandidates?: string
      shardSlice?: ShardSlice
    }>()
    if (o.shardSlice && !o.fromCandidates) {
      self.error(
        '--shard-slice needs --from-candidates DIR: a build from --boards/--events trains its sources in one process, only assembly from candidate files is sliced'
      )
    }
    const command = {
      inputs: inputs(self),
      out: o.out,
      blendFile: o.blend,
      options: options(self),
      quiet: !!o.quiet,
      writeCandidates: !!o.writeCandidates,
    }
    if (o.fromCandidates) {
      await commands.fromCandidatesCommand(command, o.fromCandidates, o.shardSlice)
    } else {
      await commands.buildCommand(command)
    }
  })
}

function evalCommand(): Command {
  const cmd = new Command('eval')
    .summary('offline evaluation of every source and the blend on held-out sessions')
    .description(
      "Offline evaluation on held-out sessions (docs/evaluation.md). Temporal split of the events: sources are trained on what happened before the cut, the blend is tuned on a validation slice just before it, and every source is scored on predicting the next pin of each held-out session, through the worker's own decoding and blending code. Writes DIR/metrics.json, DIR/metrics.md, DIR/report.html and DIR/blend.json (the tuned blend)."
    )
    .requiredOption('--out <DIR>', 'output directory')
    .addOption(quiet())
  const inputs = addInputs(cmd)
  const options = addFlags(cmd, [...MODEL_FLAGS, ...EVAL_BUILD_FLAGS], DEFAULT_BUILD_OPTIONS)
  const settings = addFlags(cmd, EVAL_FLAGS, DEFAULT_EVAL_SETTINGS)
  return cmd.action(async (_opts, self: Command) => {
    const { evalCommand: run } = await import('./commands/eval')
    const { out, quiet } = self.opts<{ out: string; quiet?: boolean }>()
    await run({
      inputs: inputs(self),
      out,
      options: options(self),
      settings: settings(self),
      quiet: !!quiet,
    })
  })
}

function generateCommand(): Command {
  return new Command('generate')
    .summary('write a synthetic Pinterest-like dataset')
    .description(
      'Write a synthetic Pinterest-like dataset: boards.csv, events.csv, pins.csv and the ground truth (truth.csv: pin → topic, boards-truth.csv: board kind) of a world with Zipf popularity, topical boards, catch-all and spam boards, and drifting engagement sessions.'
    )
    .requiredOption('--out <DIR>', 'output directory')
    .option('--pins <N>', 'number of pins', int({ min: 50, max: 5_000_000 }), 5000)
    .option('--seed <N>', 'random seed', int({ min: 0 }), 42)
    .addOption(quiet())
    .action(async (opts: { out: string; pins: number; seed: number; quiet?: boolean }) => {
      const { generateCommand: run } = await import('./commands/generate')
      await run({ ...opts, quiet: !!opts.quiet })
    })
}

function serveCommand(): Command {
  return new Command('serve')
    .summary('load artifacts into a local KV and run the worker in workerd')
    .description(
      'Load an artifacts directory into a local Workers KV through Miniflare and serve the worker in workerd. Ctrl-C stops it.'
    )
    .option('--artifacts <DIR>', 'build output', 'artifacts')
    .addOption(new Option('--port <P>', 'port').argParser(PORT).env('PORT').default(8787))
    .option('--host <H>', 'host', '127.0.0.1')
    .action(async (opts: { artifacts: string; port: number; host: string }) => {
      const { serveCommand: run } = await import('./commands/serve')
      await run(opts)
    })
}

function demoCommand(): Command {
  return new Command('demo')
    .summary('generate the sample, build it and serve it locally (what `npm start` runs)')
    .description(
      'Generate the sample world, build it and serve it locally on http://127.0.0.1:8787 (what `npm start` runs).'
    )
    .option('--pins <N>', 'number of pins', int({ min: 50 }), 5000)
    .option('--seed <N>', 'random seed for the world and the build', int({ min: 0 }), 42)
    .option('--data <DIR>', 'where the sample is written', '.data/sample')
    .option('--out <DIR>', 'build output', 'artifacts')
    .addOption(new Option('--port <P>', 'port').argParser(PORT).env('PORT').default(8787))
    .action(
      async (opts: { pins: number; seed: number; data: string; out: string; port: number }) => {
        const { demoCommand: run } = await import('./commands/demo')
        await run(opts)
      }
    )
}

function uploadCommand(): Command {
  return new Command('upload')
    .summary('write artifacts to Workers KV (or a persisted local KV): resumable, pointer last')
    .description(
      'Write the build in DIR to Workers KV (or a persisted local KV): shards first, the manifest next, the pointer key last, in bulk requests of at most 10,000 pairs and 100 MB. Every key carries its SHA-256 in KV metadata, so a rerun skips what is already there (an interrupted upload resumes).'
    )
    .option('--artifacts <DIR>', 'build output', 'artifacts')
    .option(
      '--namespace-id <ID>',
      'remote namespace; needs CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID'
    )
    .option('--local', 'write a persisted local KV instead (what `wrangler dev --local` reads)')
    .option('--persist-to <DIR>', 'local state directory; KV lives in DIR/v3/kv', '.wrangler/state')
    .option(
      '--wrangler <FILE>',
      'wrangler.toml giving the local namespace id; --namespace-id overrides',
      'wrangler.toml'
    )
    .option(
      '--dry-run',
      'print the plan, the number of KV writes and the free-plan cost; write nothing'
    )
    .option(
      '--shards-only',
      "write only this directory's shards, not the manifest or the pointer: one slice of a `build --shard-slice` build, run on each slice's machine in parallel"
    )
    .option(
      '--pointer-only',
      'check that KV holds every shard of the build, then write the manifest and, last, the pointer (the final step after every slice ran --shards-only; needs manifest.json, which slice 0 writes)'
    )
    .option(
      '--keep <N>',
      'after switching the pointer, delete builds older than the newest N (N >= 2 keeps the previous build for readers still using it)',
      int({ min: 1 })
    )
    .action(async (opts) => {
      const { uploadCommand: run } = await import('./commands/upload')
      await run(opts)
    })
}

/** The whole CLI. Errors throw (exitOverride) instead of exiting, so callers decide. */
export function createProgram(): Command {
  const program = new Command('related-pins')
    .description('Related Pins for any site with collections: build offline, serve from the edge.')
    .showSuggestionAfterError()
    .addCommand(demoCommand())
    .addCommand(generateCommand())
    .addCommand(buildCommand())
    .addCommand(serveCommand())
    .addCommand(uploadCommand())
    .addCommand(evalCommand())
  for (const cmd of [program, ...program.commands]) {
    cmd.exitOverride()
    cmd.configureOutput({ outputError: (text, write) => write(oneLine(cmd, text)) })
  }
  return program
}

/** commander's error (and its "Did you mean" line) as one line naming the command and its help. */
function oneLine(cmd: Command, text: string): string {
  const name = cmd.parent ? `related-pins ${cmd.name()}` : 'related-pins'
  const message = text
    .trim()
    .replace(/^error: /, '')
    .replace(/\s*\n\s*/g, ' ')
  return `${name}: ${message} (see \`${name} --help\`)\n`
}

/** Run the CLI on `argv` (without node and the script), e.g. `['build', '--boards', f]`. */
export async function runCli(argv: string[]): Promise<void> {
  await createProgram().parseAsync(argv, { from: 'user' })
}
