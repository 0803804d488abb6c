/**
 * @module
 * The settings of an evaluation beyond the build's own options, with their defaults; each is an
 * `eval` flag (src/cli/build-flags.ts).
 */

import type { BlendParams } from '../core/artifact'
import type { TrainOn } from '../offline/blend/split'

/** Every peer eval can score, in report order (src/eval/peers/registry.ts defines them). */
export const PEER_NAMES = ['sar', 'ar', 'sr', 'item-knn', 'sknn', 'v-sknn', 'stan'] as const
export type PeerName = (typeof PEER_NAMES)[number]

export type EvalSettings = {
  /** Last share of the events' time span held out for testing. */
  testFraction: number
  /** Share just before the test slice used to tune the blend. */
  validationFraction: number
  /** Explicit test cut (ms since the epoch); overrides testFraction. */
  testCut?: number
  /** Fixed bucket thresholds for reporting; default: terciles of the test queries' engagement. */
  bucketThresholds?: BlendParams['buckets']
  /** Bootstrap resamples for the intervals. */
  bootstrap: number
  /** Evaluate an evenly spaced sample of this many queries; 0 = all. */
  maxQueries: number
  /** Validation queries that choose each peer's and the session model's settings; 0 = all. */
  peerTuneQueries: number
  /** Train on both signals or one alone; test sessions always come from the events. */
  trainOn: TrainOn
  /** The peers to tune and score (each costs a tuning pass and a scoring pass per task). */
  peers: PeerName[]
  /** Also score the blend without each source in turn (leave-one-source-out, re-fitted). */
  ablation: boolean
}

export const DEFAULT_EVAL_SETTINGS: EvalSettings = {
  testFraction: 0.2,
  validationFraction: 0.1,
  bootstrap: 200,
  maxQueries: 50_000,
  peerTuneQueries: 5000,
  trainOn: 'all',
  peers: [...PEER_NAMES],
  // Opt-in: it re-fits and re-scores the blend once per source (docs/evaluation.md).
  ablation: false,
}
