/**
 * @module
 * Worker-thread entry of cooccurParallel: counts its pin range and posts its pair updates.
 */

import { parentPort, workerData } from 'node:worker_threads'
import { cooccurRange } from './cooccur'
import type { CoocJob } from './threads'

const job = workerData as CoocJob
parentPort?.postMessage(cooccurRange(job.tables, job.start, job.end))
