/**
 * @module
 * Worker-thread entry of the parallel IVF search (started by threads.ts runThreads): runs one probe
 * or search range and reports back. Not serveThread: the wasm backend must load first (async).
 */

import { parentPort, workerData } from 'node:worker_threads'
import { prepareWasmBackend, withFastBackend } from './backend'
import { type KnnJob, runKnnJob } from './knn-parallel'

const job = workerData as KnnJob
await prepareWasmBackend()
withFastBackend(() => runKnnJob(job))
parentPort?.postMessage(1)
