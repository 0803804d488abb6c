/**
 * @module
 * Worker-thread entry for Hogwild training: runs the shared loop on its range; its stats live in
 * the shared stats slice, so it posts nothing back but that it finished.
 */

import { serveThread } from '../threads'
import { runSgns } from './sgns'
import type { WorkerJob } from './threads'

serveThread((job: WorkerJob) => {
  runSgns(job.tables, job.params, job.stats)
})
