/**
 * @module
 * The one error type of the artifact contract, shared by the build (writer) and the worker (reader).
 */

export type ArtifactErrorCode =
  | 'pointer_missing'
  | 'manifest_missing'
  | 'manifest_invalid'
  | 'format_version'
  | 'shard_missing'
  | 'shard_invalid'
  | 'checksum'

export class ArtifactError extends Error {
  override readonly name = 'ArtifactError'
  constructor(
    readonly code: ArtifactErrorCode,
    message: string,
    options?: { cause?: unknown }
  ) {
    super(`[artifact] ${message}`, options)
  }
}
