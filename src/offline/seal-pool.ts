/**
 * @module
 * Shard bodies compressed (deflate-raw, SHARD_DEFLATE_LEVEL) and hashed on worker threads while
 * the main thread ranks and encodes the next shards: deflate is the largest single cost of the
 * write stage (about 1 ms of CPU per 33 KB shard body). The threads run the same node:zlib with the
 * same settings as `sealBody` on the main thread, so the bytes do not depend on the thread count;
 * callers put the results back in shard order.
 */

import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { type SealedBody, sealBody } from '../core/artifact'
import { BuildError } from './errors'
import { NODE_SHARD_CODECS } from './shard-codecs'
import { bootstrapSource } from './threads'

export type SealRequest = { id: number; raw: Uint8Array }
export type SealReply = { id: number; body: Uint8Array; sha256: Uint8Array }

/** Compresses and hashes raw shard bodies: inline, or on a pool of threads. */
export type ShardSealer = {
  /** Worker threads (0: inline on the calling thread). */
  readonly threads: number
  /** Seal one raw body. With threads, `raw`'s buffer is transferred: do not use it afterwards. */
  seal(raw: Uint8Array): Promise<SealedBody>
  /** Stop the threads (idempotent). */
  close(): Promise<void>
}

/** Seals on the calling thread (tests, small builds, `--write-threads 0`). */
export const inlineSealer: ShardSealer = {
  threads: 0,
  seal: async (raw) => sealBody(raw, NODE_SHARD_CODECS),
  close: async () => {},
}

/**
 * Threads for the write stage by default: one per core, at most 2. On the 2-core build machine the
 * main thread's ranking and encoding shares the cores with them.
 */
export const defaultSealThreads = (): number => Math.min(2, availableParallelism())

const ENTRY = new URL('./seal-thread-entry.ts', import.meta.url)

/** A pool of `threads` sealing threads (`inlineSealer` when threads < 1). */
export function startSealPool(threads: number): ShardSealer {
  if (!Number.isInteger(threads) || threads < 0) {
    throw new BuildError('config', `write threads must be a non-negative integer, got ${threads}`)
  }
  if (threads === 0) {
    return inlineSealer
  }
  const workers = Array.from(
    { length: threads },
    () => new Worker(bootstrapSource(ENTRY), { eval: true })
  )
  const load = new Array<number>(threads).fill(0)
  const pending = new Map<
    number,
    { resolve: (s: SealedBody) => void; reject: (e: Error) => void }
  >()
  let nextId = 0
  let closing = false
  let failure: BuildError | null = null
  const fail = (message: string, cause?: unknown): void => {
    failure ??= new BuildError('write', `seal thread ${message}`, { cause })
    for (const p of pending.values()) {
      p.reject(failure)
    }
    pending.clear()
  }
  workers.forEach((worker, k) => {
    worker.on('message', ({ id, body, sha256 }: SealReply) => {
      const p = pending.get(id)
      if (p) {
        pending.delete(id)
        load[k]!--
        p.resolve({ compression: 'deflate-raw', body, sha256 })
      }
    })
    worker.on('error', (err) => fail(`failed: ${err.message}`, err))
    worker.on('exit', (code) => {
      if (!closing) {
        fail(`exited with code ${code} while shards were being written`)
      }
    })
  })
  return {
    threads,
    seal(raw) {
      if (failure) {
        return Promise.reject(failure)
      }
      // The least loaded thread: bodies differ in size, so round-robin would leave one idle.
      let k = 0
      for (let j = 1; j < threads; j++) {
        if (load[j]! < load[k]!) {
          k = j
        }
      }
      load[k]!++
      const id = nextId++
      return new Promise<SealedBody>((resolve, reject) => {
        pending.set(id, { resolve, reject })
        // Transfer, not copy; a view of a larger buffer is copied first so nothing else detaches.
        const own = raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength
        const request: SealRequest = { id, raw: own ? raw : raw.slice() }
        workers[k]!.postMessage(request, [request.raw.buffer as ArrayBuffer])
      })
    },
    async close() {
      if (closing) {
        return
      }
      closing = true
      await Promise.all(workers.map((w) => w.terminate()))
    },
  }
}
