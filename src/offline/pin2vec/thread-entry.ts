/**
 * @module
 * Worker-thread entry for Hogwild training: runs the shared loop on its range and reports back.
 */

import { parentPort, workerData } from 'node:worker_threads'
import { runSgns } from './sgns'
import type { WorkerJob } from './threads'

const job = workerData as WorkerJob
runSgns(job.tables, job.params, job.stats)
parentPort?.postMessage('done')
