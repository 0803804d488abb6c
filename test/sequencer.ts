/**
 * Runs the end-to-end files first. Each runs a whole build (and some an evaluation) and takes
 * many times longer than any other file; Vitest's own order (longest first by the last run's
 * timings, else largest file first) would start these small files last on a fresh clone, and the
 * run would end with one of them alone on a worker.
 */

import { BaseSequencer, type TestSpecification } from 'vitest/node'

const E2E = /[\\/]test[\\/]e2e[\\/]/

export class EndToEndFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    return [
      ...sorted.filter((f) => E2E.test(f.moduleId)),
      ...sorted.filter((f) => !E2E.test(f.moduleId)),
    ]
  }
}
