/**
 * `npm run bench -- topics [--pins 100000,1000000] [--dir /tmp/related-pins-scale]`: the served
 * topic check of `bench scale` (bench/lib/topic-check.ts) again on the builds that it left in
 * DIR, with which source proposed each pin of the answers' top 10 and how often those were on the
 * query's topic. It builds nothing: run `npm run bench -- scale` first.
 */

import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { machine, mergeResults, writeDocSection } from './lib/results'
import { type TopicCheck, topicCheck } from './lib/topic-check'
import { flag, scaleDirs } from './scale'

export async function run(argv: string[]): Promise<void> {
  const sizes = flag(argv, 'pins', '100000,1000000').split(',').map(Number)
  const dir = flag(argv, 'dir', '/tmp/related-pins-scale')
  const runs: { pins: number; buildId: string; sessionCooc: unknown; check: TopicCheck }[] = []
  for (const pins of sizes) {
    const { world, out } = scaleDirs(dir, pins)
    if (!existsSync(join(out, 'report.json')) || !existsSync(join(world, 'truth.csv'))) {
      throw new Error(
        `bench topics: no build of ${pins} pins in ${dir}; run \`npm run bench -- scale --dir ${dir}\` first`
      )
    }
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
      buildId: string
      sessionCooc: unknown
    }
    console.error(`[topics] checking ${pins.toLocaleString('en')} pins (${out})`)
    runs.push({
      pins,
      buildId: report.buildId,
      sessionCooc: report.sessionCooc,
      check: await topicCheck(out, world),
    })
  }
  await mergeResults('topics', { runs })
  const rows = runs.flatMap((r) =>
    Object.entries(r.check.bySource)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(
        ([source, b]) =>
          `| ${r.pins.toLocaleString('en')} | ${source} | ${b.slots} | ${b.onTopic} | ${(b.onTopic / Math.max(1, b.slots)).toFixed(3)} |`
      )
  )
  const text = `Command: \`npm run bench -- topics --pins ${sizes.join(',')} --dir ${dir}\` (${new Date().toISOString().slice(0, 10)}; ${machine()}), on the builds \`npm run bench -- scale\` made (${runs.map((r) => `${r.pins.toLocaleString('en')}: build ${r.buildId}`).join(', ')}). 300 random pins each, \`/v1/pins/:id/related?k=10\` in workerd; each slot of an answer's top 10 is counted for every source its \`sources\` names.

| pins | source | top-10 slots | on the query's topic | share |
|---|---|---|---|---|
${rows.join('\n')}

Answers with ≥ 0.8 of the top 10 on topic: ${runs.map((r) => `${r.pins.toLocaleString('en')}: ${r.check.answersOnTopic}/${r.check.pins} (mean share ${r.check.meanTopicShare.toFixed(3)})`).join('; ')}. Session co-occurrence scoring the blend fit chose: ${runs.map((r) => `${r.pins.toLocaleString('en')}: ${JSON.stringify(r.sessionCooc)}`).join('; ')}.`
  await writeDocSection('Served topic check by source', text)
  console.log(text)
}
