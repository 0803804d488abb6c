/**
 * `npm run bench -- scale [--pins 100000,1000000] [--seed 11] [--dir /tmp/related-pins-scale]`:
 * generates each world, runs the default `related-pins build` on it as a separate process under
 * `/usr/bin/time -v` (wall time and peak RSS measured from outside, as a user would), then reads
 * the build's report.json for per-stage wall time and peak RSS after each stage, and the
 * artifact bytes on disk; then serves each build in workerd and checks 300 random pins' answers
 * against the generator's topics (bench/lib/topic-check.ts). Writes the table, with the growth
 * ratio of each stage from the smallest to the largest world, to docs/benchmarks.md ("Scale") and
 * bench/results.json.
 */

import { execFileSync, spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { machine, mergeResults, ROOT, writeDocSection } from './lib/results'
import { type TopicCheck, topicCheck } from './lib/topic-check'

type Run = {
  pins: number
  wallSeconds: number
  peakRssBytes: number
  artifactBytes: number
  stages: Record<string, number>
  peakRssBytesAfter: Record<string, number>
  buildId: string
  served: TopicCheck
  /** Load average (1 min) when the build started and ended: the machine may be shared. */
  load: [number, number]
}

/** `--name VALUE` from argv, or `fallback` (shared with bench/topics.ts). */
export function flag(argv: string[], name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback
}

/** Where the bench keeps the generated world of `pins` pins and its build, under `dir`. */
export const scaleDirs = (dir: string, pins: number): { world: string; out: string } => ({
  world: join(dir, `w${pins}`),
  out: join(dir, `out${pins}`),
})

const CLI = join(ROOT, 'bin', 'related-pins.mjs')

/** The checkout's commit, for the docs (with "+changes" when the tree is not clean). */
function commit(): string {
  const run = (args: string[]): string =>
    execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim()
  try {
    return `${run(['rev-parse', '--short', 'HEAD'])}${run(['status', '--porcelain', '--untracked-files=no']) ? '+changes' : ''}`
  } catch {
    return 'unknown'
  }
}

/** Bytes of every file under `dir`. */
function bytesUnder(dir: string): number {
  return readdirSync(dir).reduce((total, name) => {
    const path = join(dir, name)
    const st = statSync(path)
    return total + (st.isDirectory() ? bytesUnder(path) : st.size)
  }, 0)
}

/**
 * Run the CLI under `/usr/bin/time -v`. The build's own progress lines are passed through to this
 * process's stderr as they come (a 1M-pin build runs for many minutes); the end of stderr, where
 * /usr/bin/time writes, is kept for parseTime.
 */
function timed(args: string[]): Promise<{ wall: number; rss: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-v', process.execPath, CLI, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let tail = ''
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => {
      process.stderr.write(chunk)
      tail = (tail + chunk).slice(-64_000)
    })
    child.on('error', (err) =>
      reject(
        new Error(
          `bench scale: could not run /usr/bin/time (${err.message}); apt-get install -y time`
        )
      )
    )
    child.on('close', (code) => {
      if (code !== 0) {
        reject(
          new Error(`bench scale: build ${args.join(' ')} exited ${code}:\n${tail.slice(-4000)}`)
        )
        return
      }
      try {
        resolve(parseTime(tail))
      } catch (err) {
        reject(err)
      }
    })
  })
}

/** Wall seconds and peak RSS bytes from `/usr/bin/time -v` output. */
export function parseTime(text: string): { wall: number; rss: number } {
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)/.exec(text)?.[1]
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(text)?.[1]
  if (!wall || !rss) {
    throw new Error('bench scale: no /usr/bin/time -v output (apt-get install -y time)')
  }
  const seconds = wall
    .split(':')
    .map(Number)
    .reduce((a, b) => a * 60 + b, 0)
  return { wall: seconds, rss: Number(rss) * 1024 }
}

async function buildOnce(pins: number, seed: string, dir: string): Promise<Run> {
  const { world, out } = scaleDirs(dir, pins)
  if (!existsSync(join(world, 'events.csv'))) {
    console.error(`[scale] generating ${pins.toLocaleString('en')} pins → ${world}`)
    execFileSync(
      process.execPath,
      [CLI, 'generate', '--out', world, '--pins', String(pins), '--seed', seed],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      }
    )
  }
  console.error(`[scale] building ${pins.toLocaleString('en')} pins → ${out}`)
  const loadBefore = loadavg()[0]!
  const { wall, rss } = await timed([
    'build',
    ...['--boards', join(world, 'boards.csv'), '--events', join(world, 'events.csv')],
    ...['--pins', join(world, 'pins.csv'), '--out', out],
  ])
  const loadAfter = loadavg()[0]!
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
    buildId: string
    timingsSeconds: Record<string, number>
    peakRssBytesAfter: Record<string, number>
  }
  return {
    pins,
    wallSeconds: wall,
    peakRssBytes: rss,
    artifactBytes: bytesUnder(out),
    stages: report.timingsSeconds,
    peakRssBytesAfter: report.peakRssBytesAfter,
    buildId: report.buildId,
    served: await topicCheck(out, world),
    load: [loadBefore, loadAfter],
  }
}

const gib = (b: number): string => (b / 2 ** 30).toFixed(2)

export function scaleTable(runs: Run[]): string {
  const first = runs[0]!
  const last = runs.at(-1)!
  const stages = [...new Set(runs.flatMap((r) => Object.keys(r.stages)))].filter(
    (s) => s !== 'total'
  )
  const head = `| stage | ${runs.map((r) => `${r.pins.toLocaleString('en')} pins (s)`).join(' | ')} | ratio |`
  const rule = `|---|${runs.map(() => '---|').join('')}---|`
  const rows = stages.map((s) => {
    const a = first.stages[s]
    const b = last.stages[s]
    const ratio = a && b ? `${(b / a).toFixed(1)}×` : ''
    return `| ${s} | ${runs.map((r) => r.stages[s]?.toFixed(1) ?? '').join(' | ')} | ${ratio} |`
  })
  const total = (r: Run): number => r.wallSeconds
  const fitShare = runs.map(
    (r) =>
      `${r.pins.toLocaleString('en')}: ${((100 * (r.stages.blendFit ?? 0)) / total(r)).toFixed(1)}%`
  )
  const met = (ok: boolean): string => (ok ? 'met' : '**not met**')
  const goals = runs
    .filter((r) => r.pins >= 1_000_000)
    .map(
      (r) =>
        `Goals at ${r.pins.toLocaleString('en')} pins: wall ≤ 15 min ${met(r.wallSeconds <= 900)} (${(r.wallSeconds / 60).toFixed(1)} min), peak RSS ≤ 8 GiB ${met(r.peakRssBytes <= 8 * 2 ** 30)} (${gib(r.peakRssBytes)} GiB), blend fit ≤ 20% of wall ${met((r.stages.blendFit ?? 0) <= 0.2 * r.wallSeconds)}, ≥ 10 results in every answer ${met(r.served.answersWithMin === r.served.pins)}, ≥ ${r.served.minShare} of every top 10 on topic ${met(r.served.answersOnTopic === r.served.pins)}.`
    )
  return [
    head,
    rule,
    ...rows,
    `| **wall (time -v)** | ${runs.map((r) => total(r).toFixed(1)).join(' | ')} | ${(total(last) / total(first)).toFixed(1)}× |`,
    `| **peak RSS (GiB, time -v)** | ${runs.map((r) => gib(r.peakRssBytes)).join(' | ')} | ${(last.peakRssBytes / first.peakRssBytes).toFixed(1)}× |`,
    `| artifact bytes (GiB) | ${runs.map((r) => gib(r.artifactBytes)).join(' | ')} | ${(last.artifactBytes / first.artifactBytes).toFixed(1)}× |`,
    '',
    `Served answers (300 random pins each, k=10, in workerd): ${runs
      .map(
        (r) =>
          `${r.pins.toLocaleString('en')}: ${r.served.answersWithMin}/${r.served.pins} with ≥ ${r.served.minResults} results, ${r.served.answersOnTopic}/${r.served.pins} with ≥ ${r.served.minShare} of the top 10 on the query's topic (mean ${r.served.meanTopicShare.toFixed(3)})`
      )
      .join('; ')}. Load average (1 min) before/after each build: ${runs
      .map((r) => `${r.pins.toLocaleString('en')}: ${r.load.map((x) => x.toFixed(1)).join('/')}`)
      .join(', ')} (2 cores; above 2 the build shared the machine).`,
    '',
    `Blend fit share of wall time: ${fitShare.join(', ')}. Peak RSS after each stage (GiB): ${runs
      .map(
        (r) =>
          `${r.pins.toLocaleString('en')}: ${Object.entries(r.peakRssBytesAfter ?? {})
            .map(([k, v]) => `${k} ${gib(v)}`)
            .join(', ')}`
      )
      .join('; ')}.`,
    ...(goals.length > 0 ? ['', ...goals] : []),
  ].join('\n')
}

export async function run(argv: string[]): Promise<void> {
  const sizes = flag(argv, 'pins', '100000,1000000').split(',').map(Number)
  const seed = flag(argv, 'seed', '11')
  const dir = flag(argv, 'dir', '/tmp/related-pins-scale')
  // Before this bench writes bench/results.json, which would make the tree look changed.
  const builtAt = commit()
  const runs: Run[] = []
  for (const pins of sizes) {
    runs.push(await buildOnce(pins, seed, dir))
  }
  const table = scaleTable(runs)
  await mergeResults('scale', { seed, runs })
  await writeDocSection(
    'Scale',
    `Default \`related-pins build\` on generated worlds (\`related-pins generate --pins N --seed ${seed}\`), each build a separate process under \`/usr/bin/time -v\`; per-stage seconds from its report.json; ratio = largest / smallest world. Run of ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, commit ${builtAt}, ${machine()}.

\`\`\`sh
npm run bench -- scale --pins ${sizes.join(',')} --seed ${seed}
\`\`\`

${table}`
  )
  console.log(table)
}
