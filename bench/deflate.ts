/**
 * `npm run bench -- deflate [--build DIR] [--bodies 1500] [--rounds 5] [--levels 9,6,5,4,1]`: the
 * deflate level of shard bodies (src/offline/shard-codecs.ts). It inflates evenly spaced shard
 * bodies of an existing build, then compresses all of them at each level, levels interleaved
 * within each round, and reports CPU per body to deflate and to inflate again (median and range
 * over rounds) and bytes against level 9. Deflate is the largest single function in the write
 * stage's CPU profile, so this is the size-for-time trade-off of the default. It builds nothing:
 * point it at a build of ≥ 100k pins (`bench scale` leaves one).
 */

import { readFileSync } from 'node:fs'
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import { readShardHeader } from '../src/core/artifact'
import { shardBody } from '../src/core/artifact/shard-header'
import { SHARD_DEFLATE_LEVEL } from '../src/offline/shard-codecs'
import { readManifest, shardFile } from '../src/offline/write'
import { machine, mergeResults, writeDocSection } from './lib/results'
import { formatRange, medianRange } from './lib/stats'
import { flag } from './scale'

export async function run(argv: string[]): Promise<void> {
  const build = flag(argv, 'build', '/tmp/related-pins-scale/out100000')
  const count = Number(flag(argv, 'bodies', '1500'))
  const rounds = Number(flag(argv, 'rounds', '5'))
  const levels = flag(argv, 'levels', '9,6,5,4,1').split(',').map(Number)
  const manifest = await readManifest(build)
  const step = Math.max(1, Math.floor(manifest.shardCount / count))
  const bodies: Uint8Array[] = []
  for (let s = 0; s < manifest.shardCount && bodies.length < count; s += step) {
    const value = new Uint8Array(readFileSync(shardFile(build, s)))
    const header = readShardHeader(value)
    const body = shardBody(value)
    bodies.push(header.compression === 'deflate-raw' ? inflateRawSync(body) : body)
  }
  const rawBytes = bodies.reduce((a, b) => a + b.length, 0)
  console.error(
    `[deflate] ${bodies.length} bodies of ${manifest.pinCount.toLocaleString('en')} pins' build ${manifest.buildId}, ${rounds} rounds`
  )
  const ms = new Map<number, number[]>(levels.map((l) => [l, []]))
  const inflateMs = new Map<number, number[]>(levels.map((l) => [l, []]))
  const bytes = new Map<number, number>()
  for (let round = 0; round < rounds; round++) {
    for (const level of levels) {
      const t0 = performance.now()
      const packed = bodies.map((body) => deflateRawSync(body, { level }))
      const t1 = performance.now()
      for (const p of packed) {
        inflateRawSync(p)
      }
      ms.get(level)!.push((t1 - t0) / bodies.length)
      inflateMs.get(level)!.push((performance.now() - t1) / bodies.length)
      bytes.set(
        level,
        packed.reduce((a, p) => a + p.length, 0)
      )
    }
  }
  const base = bytes.get(9) ?? bytes.get(levels[0]!)!
  const rows = levels.map((level) => {
    return {
      level,
      msPerBody: medianRange(ms.get(level)!),
      inflateMsPerBody: medianRange(inflateMs.get(level)!),
      bytesPerBody: bytes.get(level)! / bodies.length,
      bytesVsLevel9: bytes.get(level)! / base - 1,
    }
  })
  await mergeResults('deflate', {
    build: manifest.buildId,
    pins: manifest.pinCount,
    bodies: bodies.length,
    rawBytesPerBody: rawBytes / bodies.length,
    rounds,
    defaultLevel: SHARD_DEFLATE_LEVEL,
    levels: rows,
  })
  const table = rows
    .map(
      (r) =>
        `| ${r.level}${r.level === SHARD_DEFLATE_LEVEL ? ' (default)' : ''} | ${formatRange(r.msPerBody, 3)} | ${formatRange(r.inflateMsPerBody, 3)} | ${Math.round(r.bytesPerBody).toLocaleString('en')} | ${(100 * r.bytesVsLevel9).toFixed(2)}% |`
    )
    .join('\n')
  await writeDocSection(
    'Shard deflate level (`npm run bench -- deflate`)',
    `Command: \`npm run bench -- deflate --build ${build} --bodies ${count} --rounds ${rounds}\` (${new Date().toISOString().slice(0, 10)}; ${machine()}). ${bodies.length} evenly spaced shard bodies of build ${manifest.buildId} (${manifest.pinCount.toLocaleString('en')} pins), ${Math.round(rawBytes / bodies.length).toLocaleString('en')} B each before compression; node:zlib \`deflateRawSync\` on one thread, levels interleaved in each of ${rounds} rounds; CPU is the median (min–max) over rounds. Inflate is node:zlib's \`inflateRawSync\`, the worker's inflater, here in Node.

| level | deflate, ms per body | inflate, ms per body | bytes per body | bytes vs level 9 |
|---|---|---|---|---|
${table}
`
  )
}
