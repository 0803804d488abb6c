/**
 * @module
 * Which errors are the user's to fix, and the one line that says so.
 */

import { ArtifactError } from '../core/errors'
import { BuildError } from '../offline/errors'

/** One line for an expected failure (bad flags, bad input, unreadable file); null for a bug. */
export function cliErrorMessage(err: unknown): string | null {
  if (err instanceof BuildError || err instanceof ArtifactError) {
    return err.message
  }
  // Node's file-system errors carry `code` and `path`: a missing input or an unwritable output.
  if (err instanceof Error && 'code' in err && typeof err.code === 'string' && 'syscall' in err) {
    return err.message
  }
  return null
}
