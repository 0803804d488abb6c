/**
 * @module
 * Worker-thread entry of the session-scoring grid (tune.ts): ranks the targets of its share of
 * the query rows into the shared `rank` array, and posts nothing back but that it finished.
 */

import { serveThread } from '../threads'
import { rankTargets, type TuneJob } from './tune'

serveThread((job: TuneJob) => {
  rankTargets(job)
  return null
})
