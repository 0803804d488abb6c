/**
 * The `related-pins` command line: argv → command → exit code.
 */

import { buildCommand } from '../src/cli/commands/build'
import { demoCommand } from '../src/cli/commands/demo'
import { evalCommand } from '../src/cli/commands/eval'
import { generateCommand } from '../src/cli/commands/generate'
import { serveCommand } from '../src/cli/commands/serve'
import { uploadCommand } from '../src/cli/commands/upload'
import { ArtifactError } from '../src/core/errors'
import { BuildError } from '../src/offline/errors'

const USAGE = `Usage: related-pins <command> [flags]

Commands:
  demo       generate the sample, build it and serve it locally (what \`npm start\` runs)
  generate   write a synthetic Pinterest-like dataset
  build      build sharded, versioned KV artifacts from boards, events and pins
  serve      load artifacts into a local KV and run the worker in workerd
  upload     write artifacts to Workers KV (or a persisted local KV): resumable, pointer last
  eval       offline evaluation of every source and the blend on held-out sessions

Run \`related-pins <command> --help\` for its flags.`

const commands: Record<string, (argv: string[]) => Promise<unknown>> = {
  demo: demoCommand,
  generate: generateCommand,
  build: buildCommand,
  serve: serveCommand,
  upload: uploadCommand,
  eval: evalCommand,
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE)
    return name ? 0 : 1
  }
  const command = commands[name]
  if (!command) {
    console.error(`related-pins: unknown command '${name}'\n\n${USAGE}`)
    return 1
  }
  await command(rest)
  return 0
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err: unknown) => {
    if (err instanceof BuildError || err instanceof ArtifactError) {
      console.error(`related-pins: ${err.message}`)
    } else {
      console.error(err)
    }
    process.exitCode = 1
  }
)
