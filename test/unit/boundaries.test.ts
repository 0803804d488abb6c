import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { describe, expect, it } from 'vitest'
import { COMPATIBILITY_FLAGS } from '../../src/local/bundle'

const SRC = join(import.meta.dirname, '..', '..', 'src')

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : /\.tsx?$/.test(name) ? [path] : []
  })
}

/** Every module specifier: `import … from`, `export … from`, bare `import '…'` and `import('…')`. */
const importsOf = (file: string): string[] =>
  [
    ...readFileSync(file, 'utf8').matchAll(
      /(?:\bfrom\s*|^\s*import\s*|\bimport\s*\(\s*)['"]([^'"]+)['"]/gm
    ),
  ].map((m) => m[1]!)

/** Top-level folder of `root` that a file lies in (null for files outside it or at its root). */
function topFolder(file: string, root: string): string | null {
  const parts = relative(root, file).split(sep)
  return parts.length > 1 && parts[0] !== '..' ? parts[0]! : null
}

/** Edges between the top-level folders of `root`, each with one import that makes it. */
function folderGraph(root = SRC): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>()
  for (const file of filesUnder(root)) {
    const from = topFolder(file, root)
    if (!from) {
      continue
    }
    for (const spec of importsOf(file)) {
      if (!spec.startsWith('.')) {
        continue
      }
      const to = topFolder(resolve(dirname(file), spec), root)
      if (to && to !== from) {
        const edges = graph.get(from) ?? new Map<string, string>()
        if (!edges.has(to)) {
          edges.set(to, `${relative(SRC, file)} imports ${spec}`)
        }
        graph.set(from, edges)
      }
    }
  }
  return graph
}

/** One cycle of the graph as its list of nodes (first = last), or null when there is none. */
function findCycle(graph: Map<string, Iterable<string>>): string[] | null {
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const visit = (node: string): string[] | null => {
    if (state.get(node) === 'open') {
      return [...path.slice(path.indexOf(node)), node]
    }
    if (state.get(node) === 'done') {
      return null
    }
    state.set(node, 'open')
    path.push(node)
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next)
      if (cycle) {
        return cycle
      }
    }
    path.pop()
    state.set(node, 'done')
    return null
  }
  for (const node of graph.keys()) {
    const cycle = visit(node)
    if (cycle) {
      return cycle
    }
  }
  return null
}

function expectNoCycle(graph: Map<string, Map<string, string>>): void {
  const cycle = findCycle(new Map([...graph].map(([from, edges]) => [from, edges.keys()])))
  const why = cycle?.slice(1).map((to, i) => graph.get(cycle[i]!)!.get(to)!)
  expect(cycle, `folder cycle ${cycle?.join(' → ')}: ${why?.join('; ')}`).toBeNull()
}

describe('module boundaries', () => {
  it('keeps src/core runtime-neutral: no node:*, tfjs, hono, offline or worker imports', () => {
    const files = filesUnder(join(SRC, 'core'))
    expect(files.length).toBeGreaterThan(5)
    for (const file of files) {
      for (const spec of importsOf(file)) {
        expect(spec, `${file} imports ${spec}`).not.toMatch(
          /^node:|@tensorflow|^hono|\/offline\/|\/worker\//
        )
      }
    }
  })

  it('keeps the worker free of Node and tfjs, and offline and worker apart', () => {
    // The one Node module the worker uses is node:zlib, which workerd itself provides under the
    // nodejs_compat flag of wrangler.toml, and only src/worker/inflate.ts imports it.
    const inflater = join(SRC, 'worker', 'inflate.ts')
    expect(importsOf(inflater)).toContain('node:zlib')
    expect(readFileSync(join(SRC, '..', 'wrangler.toml'), 'utf8')).toMatch(
      /^compatibility_flags = \["nodejs_compat"\]$/m
    )
    expect(COMPATIBILITY_FLAGS).toEqual(['nodejs_compat'])
    for (const file of filesUnder(join(SRC, 'worker'))) {
      for (const spec of importsOf(file)) {
        if (file === inflater && spec === 'node:zlib') {
          continue
        }
        expect(spec, `${file} imports ${spec}`).not.toMatch(
          /^node:|@tensorflow|\/offline\/|\/eval\//
        )
      }
    }
    for (const file of filesUnder(join(SRC, 'offline'))) {
      for (const spec of importsOf(file)) {
        expect(spec, `${file} imports ${spec}`).not.toMatch(/\/worker\//)
      }
    }
  })

  it('finds cycles in a folder graph, and none where imports run one way', () => {
    const g = (edges: Record<string, string[]>) => new Map(Object.entries(edges))
    expect(findCycle(g({ eval: ['offline', 'core'], offline: ['core'], core: [] }))).toBeNull()
    expect(findCycle(g({ eval: ['offline'], offline: ['core', 'eval'], core: [] }))).toEqual([
      'eval',
      'offline',
      'eval',
    ])
    expect(findCycle(g({ a: ['b'], b: ['c'], c: ['a'] }))).toEqual(['a', 'b', 'c', 'a'])
  })

  it('has no cycle between the top-level folders of src/ (imports run one way)', () => {
    const graph = folderGraph()
    expect(graph.get('eval')?.has('offline'), 'eval sits on top of offline').toBe(true)
    expectNoCycle(graph)
  })

  it('has no cycle between the stage folders of src/offline (board-graph, sessions, pin2vec, ...)', () => {
    const graph = folderGraph(join(SRC, 'offline'))
    expect(graph.size, 'stage folders import each other').toBeGreaterThan(0)
    expectNoCycle(graph)
  })
})
