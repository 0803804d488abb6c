/**
 * @module
 * KV key layout. Every key of a build carries its format version and build id, so builds never
 * mix; the pointer key is written last and names the build readers should use.
 */

import { FORMAT_VERSION } from './format'

/** Small pointer key whose value is the current build id (shared by every format version). */
export const CURRENT_KEY = 'related-pins/current'

/** Prefix of every key of a build of `version` (default: this format). */
export const buildPrefix = (version: number = FORMAT_VERSION): string => `related-pins/v${version}/`

export const manifestKey = (buildId: string, version: number = FORMAT_VERSION): string =>
  `${buildPrefix(version)}${buildId}/manifest`

export const shardKey = (buildId: string, index: number): string =>
  `${buildPrefix()}${buildId}/shard/${index}`
