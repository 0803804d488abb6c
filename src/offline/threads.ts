/**
 * @module
 * The build's one worker-thread module: typed arrays on shared memory, the tsx bootstrap that
 * lets a thread load a `thread-entry.ts` (also used by seal-pool.ts), and one lifecycle (one result per thread, a failed or
 * silent thread fails the stage and stops the others). Used by co-occurrence and walks
 * (board-graph/) and by Pin2Vec training (pin2vec/).
 */

import { parentPort, Worker, workerData } from 'node:worker_threads'
import { BuildError, type BuildStage } from './errors'

export type SharedTypedArray = Int32Array | Float32Array | Float64Array | Uint8Array

type TypedArrayConstructor<T extends SharedTypedArray> = new (buffer: SharedArrayBuffer) => T

/** A zeroed array of `length` elements on a SharedArrayBuffer. */
export function sharedArray<T extends SharedTypedArray>(
  Ctor: TypedArrayConstructor<T> & { BYTES_PER_ELEMENT: number },
  length: number
): T {
  return new Ctor(new SharedArrayBuffer(length * Ctor.BYTES_PER_ELEMENT))
}

/**
 * `array` on shared memory, so threads read it in place instead of each getting a structured-clone
 * copy: returned as it is when it already is shared, else copied once.
 */
export function share<T extends SharedTypedArray>(array: T): T {
  if (array.buffer instanceof SharedArrayBuffer) {
    return array
  }
  const Ctor = array.constructor as TypedArrayConstructor<T> & { BYTES_PER_ELEMENT: number }
  const copy = sharedArray(Ctor, array.length)
  copy.set(array as never)
  return copy
}

/**
 * Source of a worker that loads `entry` through tsx's API. The simpler
 * `new Worker(url, { execArgv: ['--import', 'tsx'] })` fails on Node 20.20 with tsx 4.23
 * ("Unknown file extension .ts"): the worker's entry is resolved before tsx's hooks apply.
 */
export function bootstrapSource(entry: URL): string {
  const api = JSON.stringify(import.meta.resolve('tsx/esm/api'))
  return `import(${api}).then((tsx) => tsx.tsImport(${JSON.stringify(entry.href)}, ${JSON.stringify(import.meta.url)}))`
}

export type RunThreadsOptions = {
  /** Stage named in errors, e.g. 'cooccur'. */
  stage: BuildStage
  /** What the threads do, for error messages, e.g. 'walk'. */
  label: string
}

/**
 * One worker thread per job on `entry` (a thread-entry.ts that calls `serveThread`); resolves
 * with each thread's result in job order. A thread that throws, or exits without posting its
 * result, rejects with a BuildError, and the other threads are terminated.
 */
export async function runThreads<J, R>(
  entry: URL,
  jobs: J[],
  options: RunThreadsOptions
): Promise<R[]> {
  const fail = (message: string, cause?: unknown): BuildError =>
    new BuildError(options.stage, `${options.label} thread ${message}`, { cause })
  const workers = jobs.map(
    (job) => new Worker(bootstrapSource(entry), { eval: true, workerData: job })
  )
  const results = workers.map(
    (worker) =>
      new Promise<R>((resolve, reject) => {
        let posted = false
        let result: R
        worker.once('message', (message: R) => {
          posted = true
          result = message
        })
        worker.once('error', (err) => reject(fail(`failed: ${err.message}`, err)))
        worker.once('exit', (code) =>
          posted && code === 0
            ? resolve(result)
            : reject(fail(`exited with code ${code} before finishing`))
        )
      })
  )
  try {
    return await Promise.all(results)
  } catch (err) {
    // One failed thread fails the stage; stop the others rather than let them run on.
    await Promise.all(workers.map((w) => w.terminate()))
    throw err
  }
}

/** In a thread-entry.ts: run `work` on this thread's job and post its result to runThreads. */
export function serveThread<J, R>(work: (job: J) => R): void {
  if (!parentPort) {
    throw new Error('serveThread must run in a worker thread started by runThreads')
  }
  parentPort.postMessage(work(workerData as J))
}
