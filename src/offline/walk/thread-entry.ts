/**
 * @module
 * Worker-thread entry of walkSource: walks its range of query pins and posts its stats.
 */

import { parentPort, workerData } from 'node:worker_threads'
import type { WalkJob } from './index'
import { walkRange } from './walk'

const job = workerData as WalkJob
parentPort?.postMessage(
  walkRange(job.graph, job.queries, job.start, job.end, job.options, job.lists)
)
