/**
 * `npx tsx scripts/make-fixtures.ts`: rebuilds test/fixtures/tiny-build, the committed tiny build
 * that worker tests load instead of running the pipeline. Rerun after a format change
 * (every worker test that loads it fails when it no longer decodes with the current codec).
 */

import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ROOT } from '../src/local/bundle'
import { buildTinyInto, TINY_BUILD } from '../test/worker/harness'

await rm(TINY_BUILD, { recursive: true, force: true })
const built = await buildTinyInto(TINY_BUILD)
// Committed: no machine-specific paths in report.json.
const report = join(TINY_BUILD, 'report.json')
await writeFile(report, (await readFile(report, 'utf8')).replaceAll(`${ROOT}/`, ''))
console.log(
  `wrote ${TINY_BUILD}: build ${built.manifest.buildId}, ${built.manifest.shardCount} shards`
)
