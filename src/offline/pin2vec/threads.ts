/**
 * @module
 * Hogwild training: worker threads (src/offline/threads.ts) run the same loop over disjoint
 * session ranges while sharing the two weight tables in shared memory, without locks, as
 * word2vec's threads do.
 */

import { BuildError } from '../errors'
import type { Logger } from '../log'
import { runThreads, share } from '../threads'
import type { Pin2VecOptions } from './options'
import { createProgressReporter } from './progress'
import { type SgnsParams, type SgnsTables, statsLength } from './sgns'

/** What a worker receives: shared tables, its range and its own stats slice. */
export type WorkerJob = { tables: SgnsTables; params: SgnsParams; stats: Float64Array }

/**
 * Split sessions into `parts` contiguous ranges of about equal kept-token count; returns the
 * range boundaries and the kept tokens per range (each range's learning-rate denominator).
 */
export function partitionSessions(
  tables: Pick<SgnsTables, 'tokens' | 'offsets' | 'keep'>,
  parts: number
): { bounds: number[]; words: number[] } {
  const { tokens, offsets, keep } = tables
  const sessions = offsets.length - 1
  // prefix[s] = kept tokens in sessions [0, s).
  const prefix = new Float64Array(sessions + 1)
  for (let s = 0; s < sessions; s++) {
    let n = 0
    for (let i = offsets[s] as number; i < (offsets[s + 1] as number); i++) {
      n += (keep[tokens[i] as number] as number) > 0 ? 1 : 0
    }
    prefix[s + 1] = (prefix[s] as number) + n
  }
  const total = prefix[sessions] as number
  const bounds = [0]
  let b = 0
  for (let p = 1; p < parts; p++) {
    const target = (total * p) / parts
    // Walk to the session boundary nearest the target, never behind the previous cut.
    while (
      b < sessions &&
      Math.abs((prefix[b + 1] as number) - target) <= Math.abs((prefix[b] as number) - target)
    ) {
      b++
    }
    bounds.push(b)
  }
  bounds.push(sessions)
  const words = bounds
    .slice(1)
    .map((end, i) => (prefix[end] as number) - (prefix[bounds[i] as number] as number))
  return { bounds, words }
}

/** Train with opts.threads workers; returns each worker's stats array once all have finished. */
export async function trainInWorkers(
  tables: SgnsTables,
  opts: Pin2VecOptions,
  words: number,
  log: Logger,
  startMs: number,
  loopSeed: (seed: number, thread: number) => number
): Promise<Float64Array[]> {
  const sharedTables: SgnsTables = {
    syn0: share(tables.syn0),
    syn1: share(tables.syn1),
    tokens: share(tables.tokens),
    offsets: share(tables.offsets),
    negTable: share(tables.negTable),
    keep: share(tables.keep),
    sigmoid: share(tables.sigmoid),
    ...(tables.kernel ? { kernel: tables.kernel } : {}),
  }
  if (sharedTables.syn0 !== tables.syn0 || sharedTables.syn1 !== tables.syn1) {
    throw new BuildError(
      'train',
      'pin2vec weight tables must be allocated on SharedArrayBuffer for threads > 1'
    )
  }
  const { bounds, words: rangeWords } = partitionSessions(sharedTables, opts.threads)
  const length = statsLength(opts.epochs)
  const statsBuffer = new SharedArrayBuffer(opts.threads * length * 8)
  const stats = Array.from(
    { length: opts.threads },
    (_, i) => new Float64Array(statsBuffer, i * length * 8, length)
  )
  const reporter = createProgressReporter(log, stats, opts.epochs, words, startMs)
  const timer = setInterval(() => reporter.tick(), 250)
  const jobs: WorkerJob[] = stats.map((slice, i) => ({
    tables: sharedTables,
    params: {
      ...opts,
      sessionStart: bounds[i] as number,
      sessionEnd: bounds[i + 1] as number,
      words: rangeWords[i] as number,
      seed: loopSeed(opts.seed, i),
      thread: i,
    },
    stats: slice,
  }))
  try {
    await runThreads<WorkerJob, void>(new URL('./thread-entry.ts', import.meta.url), jobs, {
      stage: 'train',
      label: 'pin2vec',
    })
  } finally {
    clearInterval(timer)
  }
  reporter.tick()
  return stats
}
