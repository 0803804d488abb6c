/**
 * @module
 * Hogwild training: worker threads run the same loop over disjoint session ranges while sharing
 * the two weight tables through SharedArrayBuffer, without locks, as word2vec's threads do.
 */

import { Worker } from 'node:worker_threads'
import { BuildError } from '../errors'
import type { Logger } from '../log'
import type { Pin2VecOptions } from './options'
import { createProgressReporter } from './progress'
import { type SgnsParams, type SgnsTables, statsLength } from './sgns'

/** What a worker receives: shared tables, its range and its own stats slice. */
export type WorkerJob = { tables: SgnsTables; params: SgnsParams; stats: Float64Array }

/** Copy a typed array onto a SharedArrayBuffer so workers read it without a structured-clone copy each. */
function share<T extends Int32Array | Float64Array | Float32Array>(array: T): T {
  if (array.buffer instanceof SharedArrayBuffer) {
    return array
  }
  const Ctor = array.constructor as new (buffer: SharedArrayBuffer) => T
  const copy = new Ctor(new SharedArrayBuffer(array.byteLength))
  copy.set(array as never)
  return copy
}

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

/**
 * Bootstrap source for a worker that loads thread-entry.ts through tsx's API. The simpler
 * `new Worker(url, { execArgv: ['--import', 'tsx'] })` fails on Node 20.20 with tsx 4.23
 * ("Unknown file extension .ts"): the worker's entry is resolved before tsx's hooks apply.
 */
function bootstrapSource(): string {
  const tsxApi = import.meta.resolve('tsx/esm/api')
  const entry = new URL('./thread-entry.ts', import.meta.url).href
  const [api, url, parent] = [tsxApi, entry, import.meta.url].map((x) => JSON.stringify(x))
  return `import(${api}).then((tsx) => tsx.tsImport(${url}, ${parent}))`
}

function spawn(job: WorkerJob): { worker: Worker; done: Promise<void> } {
  const worker = new Worker(bootstrapSource(), { eval: true, workerData: job })
  const done = new Promise<void>((resolve, reject) => {
    let finished = false
    worker.once('message', () => {
      finished = true
    })
    worker.once('error', (err) => {
      finished = true
      reject(new BuildError('train', `pin2vec worker failed: ${err.message}`, { cause: err }))
    })
    worker.once('exit', (code) => {
      if (code === 0 && finished) {
        resolve()
      } else if (!finished) {
        reject(new BuildError('train', `pin2vec worker exited with code ${code} before finishing`))
      }
    })
  })
  return { worker, done }
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
  const workers = stats.map((slice, i) =>
    spawn({
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
    })
  )
  try {
    await Promise.all(workers.map((w) => w.done))
  } catch (err) {
    // One failed worker fails the build; stop the others rather than let them train on.
    await Promise.all(workers.map((w) => w.worker.terminate()))
    throw err
  } finally {
    clearInterval(timer)
  }
  reporter.tick()
  return stats
}
