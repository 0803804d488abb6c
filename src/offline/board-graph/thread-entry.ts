/**
 * @module
 * Worker-thread entry of the board-graph stages: a co-occurrence job counts its pin range and
 * posts its pair updates; a walk job walks its range of query pins and posts its stats.
 */

import { serveThread } from '../threads'
import { cooccurRange } from './cooccur'
import type { CoocJob } from './cooccur-threads'
import { walkRange } from './walk'
import type { WalkJob } from './walk-source'

serveThread((job: CoocJob | WalkJob) =>
  job.kind === 'cooc'
    ? cooccurRange(job.tables, job.start, job.end)
    : walkRange(job.graph, job.queries, job.start, job.end, job.options, job.lists)
)
