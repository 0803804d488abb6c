/**
 * @module
 * Pin2Vec options: word2vec skip-gram with negative sampling, defaults and validation.
 */

import { BuildError } from '../errors'

/** 'wasm': the generated SIMD kernel (kernel.ts); 'js': the typed-array loop (any dims). */
export type Pin2VecKernel = 'wasm' | 'js'

export type Pin2VecOptions = {
  /** Embedding width. */
  dims: number
  /** Maximum context window; each center shrinks it by a random amount, as word2vec does. */
  window: number
  /** Negative samples per (center, context) pair. */
  negatives: number
  /** Exponent applied to unigram counts for the negative-sampling table. */
  nsExponent: number
  /** Frequent-token subsampling threshold; 0 disables subsampling. */
  sample: number
  /** Passes over the corpus. */
  epochs: number
  /** Tokens seen fewer times than this get no embedding and are dropped from sessions. */
  minCount: number
  /** Starting learning rate, decayed linearly to learningRate * 1e-4 over all epochs. */
  learningRate: number
  /**
   * 1 trains on the calling thread, reproducibly; more trains Hogwild-style in worker threads,
   * whose unlocked updates interleave differently on every run (the build's `--deterministic`
   * forces 1).
   */
  threads: number
  /** Train on one thread whatever `threads` says, so that a seed gives one result. */
  deterministic: boolean
  /** Seed for initialisation, window shrink, subsampling and negative draws. */
  seed: number
  /** Inner-loop implementation; 'wasm' falls back to 'js' when dims is not a multiple of 4. */
  kernel: Pin2VecKernel
}

export const DEFAULT_PIN2VEC_OPTIONS: Pin2VecOptions = {
  dims: 64,
  window: 5,
  negatives: 5,
  nsExponent: 0.75, // kept after `npm run bench -- sweep` (docs/evaluation.md#pin2vec-defaults)
  sample: 1e-3, // kept: 3e-4 wins next-pin recall on one dataset but loses topic coherence on small corpora
  epochs: 5,
  minCount: 1,
  learningRate: 0.025,
  deterministic: false,
  threads: 2, // both cores of the build machine; `--deterministic` trains on 1
  seed: 1,
  kernel: 'wasm',
}

/** Fill in defaults and reject values the trainer cannot use. */
export function resolvePin2VecOptions(options: Partial<Pin2VecOptions>): Pin2VecOptions {
  const resolved: Pin2VecOptions = { ...DEFAULT_PIN2VEC_OPTIONS }
  for (const [key, value] of Object.entries(options) as [keyof Pin2VecOptions, unknown][]) {
    // An explicit undefined (e.g. from an unset CLI flag) means "use the default".
    if (value !== undefined) {
      ;(resolved as Record<string, unknown>)[key] = value
    }
  }
  if (resolved.kernel !== 'wasm' && resolved.kernel !== 'js') {
    throw new BuildError(
      'config',
      `pin2vec kernel must be 'wasm' or 'js', got ${String(resolved.kernel)}`
    )
  }
  type NumericKey = Exclude<keyof Pin2VecOptions, 'kernel' | 'deterministic'>
  const positiveInts: NumericKey[] = ['dims', 'window', 'epochs', 'minCount', 'threads']
  for (const key of positiveInts) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 1) {
      throw new BuildError(
        'config',
        `pin2vec ${key} must be a positive integer, got ${resolved[key]}`
      )
    }
  }
  if (!Number.isInteger(resolved.negatives) || resolved.negatives < 0) {
    throw new BuildError(
      'config',
      `pin2vec negatives must be a non-negative integer, got ${resolved.negatives}`
    )
  }
  const nonNegative: NumericKey[] = ['nsExponent', 'sample', 'learningRate']
  for (const key of nonNegative) {
    if (!Number.isFinite(resolved[key]) || resolved[key] < 0) {
      throw new BuildError(
        'config',
        `pin2vec ${key} must be a finite number >= 0, got ${resolved[key]}`
      )
    }
  }
  if (resolved.deterministic) {
    // Hogwild threads interleave their unlocked updates differently on every run.
    resolved.threads = 1
  }
  if (!Number.isFinite(resolved.seed)) {
    throw new BuildError('config', `pin2vec seed must be a finite number, got ${resolved.seed}`)
  }
  return resolved
}
