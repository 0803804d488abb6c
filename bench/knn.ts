/**
 * @module
 * `npm run bench -- knn`: Pin2Vec neighbour search at scale. Our IVF (int16 SIMD kernel, 2 worker
 * threads, and the 1-thread path), exact blocked search (the reference, on sampled rows), and ANN
 * libraries from npm (usearch, hnswlib-node), installed on demand outside the project. Every
 * measurement runs in its own child process, so its peak RSS is its own; runs interleave.
 *
 * Data: `--embeddings FILE` (a Pin2Vec table saved by `--embed WORLD --save FILE`, trained with
 * the build's defaults), and synthetic clustered vectors (`--synthetic 100000,1000000`).
 */

import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type * as tf from '@tensorflow/tfjs'
import { createLogger, silentLogger } from '../src/offline/log'
import { withFastBackend } from '../src/offline/pin2vec/backend'
import {
  loadEmbeddings,
  nearestNeighbours,
  prepareWasmBackend,
  searchNeighbours,
} from '../src/offline/pin2vec/index'
import { exactSearch, normalisedRows, writeUnitRow } from '../src/offline/pin2vec/knn-exact'
import { recallOfLists } from '../src/offline/pin2vec/knn-ivf'
import { embedWorld, syntheticEmbeddings } from './lib/knn-data'
import { machine, mergeResults, writeDocSection } from './lib/results'

const SELF = fileURLToPath(import.meta.url)
/** The build's topN (DEFAULT_BUILD_OPTIONS.topN): every method returns 50, recall is on the first 20. */
const TOP = 50
const RECALL_AT = 20
const PEERS_DIR = join(tmpdir(), 'related-pins-bench-knn')
const PEER_VERSIONS = { usearch: '2.26.2', 'hnswlib-node': '3.0.0' } as const

type Method = 'ivf-2' | 'ivf-1' | 'exact-sample' | 'usearch' | 'hnswlib'

type ChildResult = {
  method: Method
  data: string
  rows: number
  /** Build + query wall seconds (data loading excluded). */
  wallS: number
  /** CPU seconds of the whole process (all threads) over the same span. */
  cpuS: number
  /** Peak RSS of the child process, and RSS right after loading the data. */
  peakMiB: number
  dataMiB: number
  note: string
}

type DataSpec = { kind: 'file'; path: string } | { kind: 'synthetic'; rows: number; seed: number }

const describeData = (d: DataSpec): string =>
  d.kind === 'file' ? `pin2vec ${d.path}` : `synthetic ${d.rows} (seed ${d.seed})`

/**
 * Synthetic tables: 64 dims, 2,500 pins per topic (the generator's density at 1M), 24 themes, pins
 * on a plane per topic plus noise (bench/lib/knn-data.ts).
 */
function loadData(d: DataSpec): Promise<{ embeddings: tf.Tensor2D; trained: Uint8Array }> {
  if (d.kind === 'file') {
    return loadEmbeddings(d.path)
  }
  return Promise.resolve(
    syntheticEmbeddings({
      rows: d.rows,
      dims: 64,
      seed: d.seed,
      pinsPerTopic: 2500,
      themes: 24,
      spread: 0.3,
      noise: 0.1,
    })
  )
}

/** `count` trained rows, evenly spaced: the rows whose lists are compared with exact search. */
function sampleRows(trained: Uint8Array, count: number): Int32Array {
  const ids: number[] = []
  trained.forEach((t, i) => {
    if (t === 1) {
      ids.push(i)
    }
  })
  const n = Math.min(count, ids.length)
  return Int32Array.from({ length: n }, (_, i) => ids[Math.floor((i * ids.length) / n)] as number)
}

const cpuSeconds = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}
const rssMiB = (): number => process.memoryUsage().rss / 2 ** 20
const peakMiB = (): number => process.resourceUsage().maxRSS / 1024

/** One measurement, in this (child) process; writes the sampled rows' lists to `listsOut`. */
async function child(method: Method, d: DataSpec, sample: number, listsOut: string) {
  await prepareWasmBackend()
  const { embeddings, trained } = await loadData(d)
  const [vocab, dims] = embeddings.shape
  const rows = sampleRows(trained, sample)
  const dataMiB = rssMiB()
  const log = process.stderr.isTTY ? createLogger() : silentLogger
  const start = performance.now()
  const cpu0 = cpuSeconds()
  let lists: Int32Array
  let note = ''
  if (method === 'ivf-2' || method === 'ivf-1') {
    const threads = method === 'ivf-2' ? 2 : 1
    const result =
      threads === 1
        ? nearestNeighbours(embeddings, trained, TOP, { method: 'ivf', log })
        : await searchNeighbours(embeddings, trained, TOP, { method: 'ivf', threads, log })
    lists = gatherLists(result.indices, rows, TOP)
  } else if (method === 'exact-sample') {
    lists = exactLists(embeddings, trained, rows)
    note = `exact search of ${rows.length} sampled rows against all ${trained.reduce((a, b) => a + b, 0)}`
  } else {
    const peer = await peerSearch(method, embeddings, trained)
    lists = gatherLists(peer.indices, rows, TOP)
    note = peer.note
  }
  const wallS = (performance.now() - start) / 1000
  const cpuS = cpuSeconds() - cpu0
  await writeFile(listsOut, Buffer.from(lists.buffer, lists.byteOffset, lists.byteLength))
  const result: ChildResult = {
    method,
    data: describeData(d),
    rows: vocab,
    wallS,
    cpuS,
    peakMiB: peakMiB(),
    dataMiB,
    note: note || `${dims} dims`,
  }
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

function gatherLists(indices: Int32Array, rows: Int32Array, topN: number): Int32Array {
  const out = new Int32Array(rows.length * topN)
  rows.forEach((r, i) => {
    out.set(indices.subarray(r * topN, (r + 1) * topN), i * topN)
  })
  return out
}

/** Exact top-TOP of the sampled rows (one tfjs matMul pass over all rows per block of queries). */
function exactLists(embeddings: tf.Tensor2D, trained: Uint8Array, rows: Int32Array): Int32Array {
  const table = normalisedRows(embeddings, trained)
  const source = embeddings.dataSync() as Float32Array
  const dims = table.dims
  const queries = new Float32Array(rows.length * dims)
  rows.forEach((r, i) => {
    writeUnitRow(source, r, queries, i, dims)
  })
  const out = new Int32Array(rows.length * TOP).fill(-1)
  const outRows = Int32Array.from({ length: rows.length }, (_, i) => i)
  withFastBackend(() =>
    exactSearch(table, queries, rows, outRows, TOP, out, new Float32Array(out.length))
  )
  return out
}

type Usearch = {
  Index: new (
    config: Record<string, unknown>
  ) => {
    add(keys: BigUint64Array, vectors: Float32Array, threads: number): void
    search(
      vectors: Float32Array,
      k: number,
      threads: number
    ): { keys: BigUint64Array; distances: Float32Array }
  }
}
type Hnswlib = {
  HierarchicalNSW: new (
    space: string,
    dims: number
  ) => {
    initIndex(max: number, m: number, efConstruction: number, seed: number): void
    addPoint(point: number[], label: number): void
    setEf(ef: number): void
    searchKnn(point: number[], k: number): { neighbors: number[] }
  }
}

/** Install a peer into PEERS_DIR (never into the project): exact version, no lockfile. */
function requirePeer(pkg: keyof typeof PEER_VERSIONS): unknown {
  const prefix = join(PEERS_DIR, pkg)
  if (!existsSync(join(prefix, 'node_modules', pkg, 'package.json'))) {
    console.error(`[bench:knn] npm install --no-save ${pkg}@${PEER_VERSIONS[pkg]} into ${prefix}`)
    execFileSync('mkdir', ['-p', prefix])
    execFileSync(
      'npm',
      [
        'install',
        '--no-save',
        '--no-package-lock',
        '--prefix',
        prefix,
        `${pkg}@${PEER_VERSIONS[pkg]}`,
      ],
      { stdio: 'inherit' }
    )
  }
  return createRequire(join(prefix, 'package.json'))(pkg)
}

/** Index every trained row with the library and search each for TOP + 1 (itself comes back). */
async function peerSearch(
  method: 'usearch' | 'hnswlib',
  embeddings: tf.Tensor2D,
  trained: Uint8Array
): Promise<{ indices: Int32Array; note: string }> {
  const table = normalisedRows(embeddings, trained)
  const { values, ids, dims } = table
  const n = ids.length
  const vocab = trained.length
  const indices = new Int32Array(vocab * TOP).fill(-1)
  const [M, efConstruction, efSearch] = [16, 128, 128]
  const k = TOP + 1
  const keep = (row: number, found: ArrayLike<number | bigint>, base: number): void => {
    let c = 0
    const self = ids[row] as number
    for (let j = 0; j < k && c < TOP; j++) {
      const id = ids[Number(found[base + j])] as number
      if (id !== self) {
        indices[self * TOP + c++] = id
      }
    }
  }
  if (method === 'usearch') {
    const usearch = requirePeer('usearch') as Usearch
    const index = new usearch.Index({
      metric: 'ip',
      dimensions: dims,
      connectivity: M,
      expansion_add: efConstruction,
      expansion_search: efSearch,
      quantization: 'f32',
    })
    index.add(
      BigUint64Array.from({ length: n }, (_, i) => BigInt(i)),
      values,
      2
    )
    const found = index.search(values, k, 2)
    for (let i = 0; i < n; i++) {
      keep(i, found.keys, i * k)
    }
    return {
      indices,
      note: `HNSW M ${M}, ef construction ${efConstruction}, ef search ${efSearch}, f32, 2 threads`,
    }
  }
  const hnsw = requirePeer('hnswlib-node') as Hnswlib
  const index = new hnsw.HierarchicalNSW('ip', dims)
  index.initIndex(n, M, efConstruction, 100)
  for (let i = 0; i < n; i++) {
    index.addPoint(Array.from(values.subarray(i * dims, (i + 1) * dims)), i)
  }
  index.setEf(efSearch)
  for (let i = 0; i < n; i++) {
    keep(i, index.searchKnn(Array.from(values.subarray(i * dims, (i + 1) * dims)), k).neighbors, 0)
  }
  return {
    indices,
    note: `HNSW M ${M}, ef construction ${efConstruction}, ef search ${efSearch}, 1 thread (its JS API is per point)`,
  }
}

function runChild(method: Method, d: DataSpec, sample: number, listsOut: string): ChildResult {
  const dataArgs =
    d.kind === 'file'
      ? ['--embeddings', d.path]
      : ['--synthetic', String(d.rows), '--seed', String(d.seed)]
  const res = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      SELF,
      '--child',
      method,
      ...dataArgs,
      '--sample',
      String(sample),
      '--lists-out',
      listsOut,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 }
  )
  if (res.status !== 0) {
    throw new Error(
      `bench knn: child '${method}' on ${describeData(d)} failed with status ${res.status}`
    )
  }
  return JSON.parse(res.stdout.trim().split('\n').pop()!) as ChildResult
}

type Row = ChildResult & { recall: number; runs: number; wallRange: [number, number] }

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

export async function run(argv: string[]): Promise<void> {
  const { values: args } = parseArgs({
    args: argv,
    options: {
      child: { type: 'string' },
      embeddings: { type: 'string' },
      synthetic: { type: 'string' },
      seed: { type: 'string', default: '11' },
      sample: { type: 'string', default: '2000' },
      'lists-out': { type: 'string' },
      runs: { type: 'string', default: '3' },
      methods: { type: 'string', default: 'ivf-2,ivf-1,usearch,hnswlib' },
      /** Methods measured once per dataset above this many rows (too slow to repeat here). */
      'once-above': { type: 'string', default: '200000' },
      'skip-above': { type: 'string', default: 'hnswlib:200000' },
      embed: { type: 'string' },
      save: { type: 'string' },
    },
    strict: true,
  })
  const seed = Number(args.seed)
  if (args.embed) {
    await embedWorld(args.embed, args.save ?? join(args.embed, 'pin2vec.p2v'), 2, createLogger())
    return
  }
  if (args.child) {
    const d: DataSpec = args.embeddings
      ? { kind: 'file', path: args.embeddings }
      : { kind: 'synthetic', rows: Number(args.synthetic), seed }
    await child(args.child as Method, d, Number(args.sample), args['lists-out']!)
    return
  }
  const sample = Number(args.sample)
  const runs = Number(args.runs)
  const datasets: DataSpec[] = [
    ...(args.embeddings
      ? args.embeddings.split(',').map((path) => ({ kind: 'file' as const, path }))
      : []),
    ...(args.synthetic ?? '100000,1000000')
      .split(',')
      .filter(Boolean)
      .map((r) => ({ kind: 'synthetic' as const, rows: Number(r), seed })),
  ]
  const methods = args.methods.split(',') as Method[]
  const skip = new Map(
    args['skip-above']
      .split(',')
      .filter(Boolean)
      .map((x) => {
        const [m, n] = x.split(':')
        return [m as Method, Number(n)] as const
      })
  )
  const dir = join(tmpdir(), 'related-pins-bench-knn-lists')
  await mkdir(dir, { recursive: true })
  const rows: Row[] = []
  for (const d of datasets) {
    const exactOut = join(dir, 'exact.bin')
    const exact = runChild('exact-sample', d, sample, exactOut)
    const exactLists = new Int32Array((await readFile(exactOut)).buffer.slice(0))
    const n = exact.rows
    rows.push({ ...exact, recall: 1, runs: 1, wallRange: [exact.wallS, exact.wallS] })
    console.error(
      `[bench:knn] ${describeData(d)}: exact on ${sample} rows ${exact.wallS.toFixed(1)} s`
    )
    const active = methods.filter((m) => !(skip.has(m) && n > (skip.get(m) as number)))
    const results = new Map<Method, ChildResult[]>()
    const recalls = new Map<Method, number>()
    const repeat = n > Number(args['once-above']) ? 1 : runs
    for (let r = 0; r < Math.max(repeat, runs); r++) {
      for (const m of active) {
        const times = m.startsWith('ivf') ? runs : repeat
        if (r >= times) {
          continue
        }
        const out = join(dir, `${m}.bin`)
        const res = runChild(m, d, sample, out)
        const lists = new Int32Array((await readFile(out)).buffer.slice(0))
        // Both files hold the sampled rows' lists in sample order: position i is row i here.
        const positions = Int32Array.from({ length: lists.length / TOP }, (_, i) => i)
        const recall = recallOfLists(
          firstColumns(exactLists, TOP, RECALL_AT),
          lists,
          RECALL_AT,
          positions,
          TOP
        )
        recalls.set(m, recall)
        results.set(m, [...(results.get(m) ?? []), res])
        console.error(
          `[bench:knn] ${describeData(d)} ${m} run ${r + 1}: ${res.wallS.toFixed(1)} s wall, ${res.cpuS.toFixed(1)} s cpu, ${res.peakMiB.toFixed(0)} MiB, recall@${RECALL_AT} ${recall.toFixed(4)}`
        )
      }
    }
    for (const m of active) {
      const rs = results.get(m) ?? []
      const walls = rs.map((x) => x.wallS)
      const pick = rs[0]!
      rows.push({
        ...pick,
        wallS: median(walls),
        cpuS: median(rs.map((x) => x.cpuS)),
        peakMiB: Math.max(...rs.map((x) => x.peakMiB)),
        recall: recalls.get(m) ?? Number.NaN,
        runs: rs.length,
        wallRange: [Math.min(...walls), Math.max(...walls)],
      })
    }
  }
  await mergeResults('knn', { top: TOP, recallAt: RECALL_AT, sample, rows })
  await writeDocSection('Neighbour search', renderDoc(argv, rows, sample))
}

function firstColumns(lists: Int32Array, stride: number, k: number): Int32Array {
  const rows = lists.length / stride
  const out = new Int32Array(rows * k)
  for (let r = 0; r < rows; r++) {
    out.set(lists.subarray(r * stride, r * stride + k), r * k)
  }
  return out
}

/** Install checks of the candidates (fresh scratch dirs, `npm install --save-exact`, then `npm ci`). */
const INSTALLS = `Installing the candidate libraries (measured 2026-12-01 in fresh scratch directories, Node 20.20.2, npm 11.19, registry only, no allowScripts):
- **usearch 2.26.2**: works without its install script: the tarball carries prebuilt binaries (linux-x64 4.3 MB) that node-gyp-build loads at runtime. npm warns twice: the script is not approved, and \`engines\` asks for Node >= 22 (EBADENGINE); it loads and runs on Node 20 anyway, unsupported. 26 MB in node_modules (prebuilds for four platforms).
- **hnswlib-node 3.0.0**: ships sources only and is compiled by node-gyp at install (binding.gyp, 15 s with the Debian toolchain). npm 11.19 printed "not yet covered by allowScripts" and still ran the build; a machine without the toolchain, or an npm that enforces the gate, gets no addon. 1.7 MB.
- **faiss-node 0.5.1**: its install script downloads a prebuilt from GitHub, then falls back to \`git clone\`: both fail without network, so \`npm install\` fails.`

const LABELS: Record<Method, string> = {
  'ivf-2': 'related-pins IVF, int16 kernel, 2 threads (default)',
  'ivf-1': 'related-pins IVF, int16 kernel, 1 thread',
  'exact-sample': 'exact blocked search (tfjs wasm matMul), sampled rows only',
  usearch: `usearch ${PEER_VERSIONS.usearch}`,
  hnswlib: `hnswlib-node ${PEER_VERSIONS['hnswlib-node']}`,
}

function renderDoc(argv: string[], rows: Row[], sample: number): string {
  const lines = rows.map((r) => {
    const range = r.runs > 1 ? ` (${r.wallRange[0].toFixed(1)}–${r.wallRange[1].toFixed(1)})` : ''
    return `| ${r.data} | ${LABELS[r.method]} | ${r.method === 'exact-sample' ? '1 (reference)' : r.recall.toFixed(4)} | ${r.wallS.toFixed(1)}${range} | ${r.cpuS.toFixed(1)} | ${r.runs} | ${r.peakMiB.toFixed(0)} (${r.dataMiB.toFixed(0)} after loading) | ${r.note} |`
  })
  return `Command: \`npm run bench -- knn ${argv.join(' ')}\` (${new Date().toISOString().slice(0, 10)}; ${machine()}).
Top ${TOP} neighbours of every row (the build's topN), recall@${RECALL_AT}: the share of each sampled row's exact top ${RECALL_AT} found in the first ${RECALL_AT} of its list, over ${sample} evenly spaced rows. Wall and CPU cover index build and the search of every row (data loading excluded); CPU is the whole process, all threads. Each method runs in its own child process; runs interleave; wall is the median (range) of the runs, peak RSS the largest.

| data | method | recall@${RECALL_AT} | wall s | cpu s | runs | peak RSS MiB | note |
| --- | --- | --- | --- | --- | --- | --- | --- |
${lines.join('\n')}

${INSTALLS}
`
}

if (process.argv[1] === SELF) {
  run(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err)
    process.exitCode = 1
  })
}
