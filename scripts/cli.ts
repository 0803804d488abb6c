/**
 * The `related-pins` command line: argv → command → exit code. Every expected failure (a usage
 * mistake, bad input, an unreadable file) ends in one line on stderr and exit code 1.
 */

import { CommanderError } from 'commander'
import { cliErrorMessage } from '../src/cli/errors'
import { runCli } from '../src/cli/program'

runCli(process.argv.slice(2)).then(
  () => {
    process.exitCode = 0
  },
  (err: unknown) => {
    if (err instanceof CommanderError) {
      // commander already printed its one-line message (or the help, exit code 0).
      process.exitCode = err.exitCode
      return
    }
    const message = cliErrorMessage(err)
    if (message === null) {
      // Not a mistake the user can fix: a bug. Keep the stack for the report.
      console.error(err)
    } else {
      console.error(`related-pins: ${message}`)
    }
    process.exitCode = 1
  }
)
