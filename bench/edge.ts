/**
 * `npm run bench -- edge [--seconds S] [--connections C]`: the worker's budgets under Miniflare.
 * Throughput: wrk (apt-get installed when missing) on 127.0.0.1, bounded in time, hello route vs
 * /v1/pins/:id/related cycling over sample pins. KV reads and bytes: the X-KV-Reads / X-KV-Bytes
 * headers. CPU: /__debug/cpu timed inside workerd (see src/worker/debug.ts for what it covers).
 */

import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { runCli } from '../src/cli/program'
import { ShardReader } from '../src/core/artifact'
import { seedArtifacts, startLocalWorker } from '../src/local/miniflare'
import { readArtifacts } from '../src/offline/write'
import { machine, mergeResults, ROOT, writeDocSection } from './lib/results'

const DATA = join(ROOT, '.data', 'sample')
const OUT = join(ROOT, 'bench', 'tmp', 'edge-artifacts')

async function sampleArtifacts() {
  if (!existsSync(join(DATA, 'boards.csv'))) {
    await runCli(['generate', '--out', DATA, '--pins', '5000', '--seed', '42', '--quiet'])
  }
  await runCli([
    'build',
    '--boards',
    join(DATA, 'boards.csv'),
    '--events',
    join(DATA, 'events.csv'),
    '--pins',
    join(DATA, 'pins.csv'),
    '--out',
    OUT,
    '--seed',
    '42',
  ])
  return readArtifacts(OUT)
}

function ensureWrk(): void {
  if (spawnSync('wrk', ['--version']).error) {
    console.error('[edge] wrk not found: apt-get install -y wrk')
    execFileSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'inherit' })
  }
}

/** wrk for `seconds` on 127.0.0.1, cycling over `paths`; returns requests per second. */
async function wrk(
  base: string,
  paths: string[],
  seconds: number,
  connections: number
): Promise<number> {
  await mkdir(join(ROOT, 'bench', 'tmp'), { recursive: true })
  const script = join(ROOT, 'bench', 'tmp', 'edge-paths.lua')
  const list = paths.map((p) => `"${p.replace(/["\\]/g, '\\$&')}"`).join(',\n')
  await writeFile(
    script,
    `paths = {\n${list}\n}\ni = 0\nrequest = function()\n  i = i + 1\n  return wrk.format("GET", paths[(i % #paths) + 1])\nend\nreported = false\nresponse = function(status, headers, body)\n  if status ~= 200 and not reported then\n    reported = true\n    io.stderr:write("[edge] wrk saw HTTP " .. status .. ": " .. string.sub(body, 1, 200) .. "\\n")\n  end\nend\n`
  )
  const out = execFileSync(
    'wrk',
    ['-t1', `-c${connections}`, `-d${seconds}s`, '-s', script, base],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }
  )
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1])
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1]
  if (!Number.isFinite(rps) || non2xx) {
    throw new Error(`[edge] wrk failed or saw errors:\n${out}`)
  }
  return rps
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN
}
const round = (x: number, d = 3): number => Math.round(x * 10 ** d) / 10 ** d

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { seconds: { type: 'string' }, connections: { type: 'string' } },
  })
  const seconds = Number(values.seconds ?? 10)
  const connections = Number(values.connections ?? 50)
  ensureWrk()
  const artifacts = await sampleArtifacts()
  const { manifest } = artifacts
  // Pins with candidates, spread over every shard.
  const pins = artifacts.shards.flatMap((bytes) => {
    const reader = new ShardReader(bytes)
    return [...reader.ids()]
      .filter((id) => (reader.get(id)?.candidates.length ?? 0) > 0)
      .slice(0, 4)
  })
  // Throughput working set: 4 pins from each of the first 30 shards, so the shards fit the isolate's
  // 32 MiB cache (sample shards are ~150 KB); a cyclic working set larger than an LRU cache reads
  // KV on every request, which measures KV, not the worker.
  const related = pins.slice(0, 120).map((id) => `/v1/pins/${encodeURIComponent(id)}/related?k=20`)
  const started = [] as Awaited<ReturnType<typeof startLocalWorker>>[]
  try {
    const main = await startLocalWorker({ bindings: { DEBUG: '1' } })
    started.push(main)
    await seedArtifacts(main.mf, artifacts)
    const base = main.url.origin

    // KV reads and bytes per lookup, from a cold isolate: the first lookup of each shard reads it.
    await fetch(`${base}/healthz`)
    const single: { reads: number; bytes: number }[] = []
    for (const path of related.slice(0, 200)) {
      const res = await fetch(base + path)
      await res.arrayBuffer()
      single.push({
        reads: Number(res.headers.get('x-kv-reads')),
        bytes: Number(res.headers.get('x-kv-bytes')),
      })
    }
    const cold = single.filter((s) => s.reads > 0)
    const contextReads: number[] = []
    for (let i = 0; i < 50; i++) {
      const seed = pins[(i * 7 + 241) % pins.length]!
      const context = [1, 2, 3, 4, 5].map((j) => pins[(i * 13 + j * 31) % pins.length]!)
      const res = await fetch(
        `${base}/v1/pins/${encodeURIComponent(seed)}/related?k=20&context=${context.map(encodeURIComponent).join(',')}`
      )
      await res.arrayBuffer()
      contextReads.push(Number(res.headers.get('x-kv-reads')))
    }

    // CPU inside workerd: k=20 with 5 context pins, 50 runs per sample, one sample per pin.
    const cpu: number[] = []
    for (let i = 0; i < 300; i += 50) {
      const batch = pins
        .slice(i, i + 50)
        .map(encodeURIComponent)
        .join(',')
      const context = pins
        .slice(i + 50, i + 55)
        .map(encodeURIComponent)
        .join(',')
      const res = await fetch(`${base}/__debug/cpu?pins=${batch}&context=${context}&k=20&reps=50`)
      const body = (await res.json()) as { samples: { ms: number }[] }
      cpu.push(...body.samples.map((s) => s.ms))
    }

    // Throughput: warm the isolate's shard cache, then the hello route and the related route.
    for (const path of related) {
      await (await fetch(base + path)).arrayBuffer()
    }
    const helloRps = await wrk(base, ['/__debug/hello'], seconds, connections)
    const relRps = await wrk(base, related, seconds, connections)
    // Variants: without the isolate memo (Cache API answers repeats), and without both (every
    // request decodes and ranks; shards stay in isolate memory).
    const variant = async (bindings: Record<string, string>): Promise<number> => {
      const w = await startLocalWorker({ bindings })
      started.push(w)
      await seedArtifacts(w.mf, artifacts)
      for (const path of related) {
        await (await fetch(w.url.origin + path)).arrayBuffer()
      }
      return wrk(w.url.origin, related, seconds, connections)
    }
    const relRpsNoMemo = await variant({ RESPONSE_MEMO: 'off' })
    const relRpsNoCacheApi = await variant({ RESPONSE_MEMO: 'off', CACHE_API: 'off' })

    const edge = {
      helloRps: Math.round(helloRps),
      relRps: Math.round(relRps),
      relOverHello: round(relRps / helloRps),
      relRpsNoMemo: Math.round(relRpsNoMemo),
      relNoMemoOverHello: round(relRpsNoMemo / helloRps),
      relRpsNoCacheApi: Math.round(relRpsNoCacheApi),
      relNoCacheApiOverHello: round(relRpsNoCacheApi / helloRps),
      kvReadsPerLookup: Math.max(...single.map((s) => s.reads)),
      kvReadsPerLookupMean: round(single.reduce((a, s) => a + s.reads, 0) / single.length),
      kvReadsPerContextLookupMax: Math.max(...contextReads),
      cpuMsMedian: round(quantile(cpu, 0.5)),
      cpuMsP99: round(quantile(cpu, 0.99)),
      cpuSamples: cpu.length,
      bytesReadPerLookup: Math.round(
        cold.reduce((a, s) => a + s.bytes, 0) / Math.max(1, cold.length)
      ),
      pins: manifest.pinCount,
      shards: manifest.shardCount,
      seconds,
      connections,
      loadGenerator: 'wrk -t1',
    }
    console.log(JSON.stringify({ edge }, null, 2))
    await mergeResults('edge', edge)
    await writeDocSection(
      'edge',
      `\`npm run bench -- edge\` (${new Date().toISOString().slice(0, 10)}; ${machine()}). Sample world: ${manifest.pinCount} pins, ${manifest.shardCount} shards; worker in workerd through Miniflare, load from \`wrk -t1 -c${connections} -d${seconds}s\` on 127.0.0.1 (same 2 cores).

| metric | value | budget |
|---|---|---|
| hello route (\`/__debug/hello\`) | ${edge.helloRps} req/s | |
| \`/v1/pins/:id/related?k=20\`, ${related.length} pins cycled, defaults (isolate memo, then Cache API) | ${edge.relRps} req/s (**${edge.relOverHello}×** hello) | ≥ 0.75× |
| same, \`RESPONSE_MEMO=off\` (repeats answered by the Cache API) | ${edge.relRpsNoMemo} req/s (${edge.relNoMemoOverHello}× hello) | |
| same, \`RESPONSE_MEMO=off CACHE_API=off\` (shards from isolate memory, decoding and ranking every request) | ${edge.relRpsNoCacheApi} req/s (${edge.relNoCacheApiOverHello}× hello) | |
| KV reads per single-pin lookup (max / mean over ${single.length} cold-isolate lookups) | ${edge.kvReadsPerLookup} / ${edge.kvReadsPerLookupMean} | ≤ 1 |
| KV reads per lookup with 5 context pins (max of 50) | ${edge.kvReadsPerContextLookupMax} | ≤ 6 |
| KV bytes read per cold lookup (one shard) | ${edge.bytesReadPerLookup} B | |
| CPU per request, median / p99 | ${edge.cpuMsMedian} / ${edge.cpuMsP99} ms | ≤ 0.5 / ≤ 2 ms |

CPU is measured inside workerd by \`/__debug/cpu\` (only with the binding \`DEBUG=1\`): for each of ${cpu.length} pins, with KV excluded (records loaded first), it times 50 runs of what a request does after its KV reads (record decode from the cached shard, blend, context re-rank with 5 context pins, near-duplicate collapse, JSON serialisation of k=20) and divides by 50, because workerd's clock advances in whole milliseconds. Median and p99 are over pins, each sample a 50-run mean; Hono routing and HTTP are not included (they are in the req/s rows).`
    )
  } finally {
    for (const w of started) {
      await w.mf.dispose()
    }
  }
}
