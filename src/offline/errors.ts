/**
 * @module
 * The build's error type: one line that names the stage and, for input problems, file:line: field.
 */

export type BuildStage =
  | 'ingest'
  | 'generate'
  | 'cooccur'
  | 'sessions'
  | 'train'
  | 'write'
  | 'eval'
  | 'neighbours'
  | 'config'

export class BuildError extends Error {
  override readonly name = 'BuildError'
  constructor(
    readonly stage: BuildStage,
    message: string,
    options?: { cause?: unknown }
  ) {
    super(`[build:${stage}] ${message}`, options)
  }
}
