/**
 * @module
 * KV key layout. Every key of a build carries its build id, so builds never mix; the pointer key is
 * written last and names the build readers should use.
 */

import { FORMAT_VERSION } from './format'

/** Small pointer key whose value is the current build id. */
export const CURRENT_KEY = 'related-pins/current'

export const manifestKey = (buildId: string): string =>
  `related-pins/v${FORMAT_VERSION}/${buildId}/manifest`

export const shardKey = (buildId: string, index: number): string =>
  `related-pins/v${FORMAT_VERSION}/${buildId}/shard/${index}`
