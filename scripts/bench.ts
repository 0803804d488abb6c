/**
 * `npm run bench -- <name> [flags]`: heavy, machine-dependent measurements (never run by
 * `npm test`). Each benchmark lives in bench/<name>.ts, merges its numbers into
 * bench/results.json and rewrites its section of docs/benchmarks.md.
 */

import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ROOT } from '../bench/lib/results'

const NAMES = [
  'train',
  'cooc',
  'edge',
  'sweep',
  'sources',
  'scale',
  'distributed',
  'engines',
  'knn',
  'topics',
  'deflate',
] as const

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  const names = name && name !== 'all' ? [name] : [...NAMES]
  for (const n of names) {
    const file = join(ROOT, 'bench', `${n}.ts`)
    if (!existsSync(file)) {
      console.error(
        `bench: unknown benchmark '${n}' (available: ${NAMES.filter((x) => existsSync(join(ROOT, 'bench', `${x}.ts`))).join(', ')})`
      )
      return 1
    }
    const mod = (await import(pathToFileURL(file).href)) as {
      run: (argv: string[]) => Promise<void>
    }
    console.error(`[bench] ${n}`)
    await mod.run(rest)
  }
  return 0
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err: unknown) => {
    console.error(err)
    process.exitCode = 1
  }
)
