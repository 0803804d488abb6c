/**
 * Shared helpers of the benchmarks: merge numbers into bench/results.json, record the machine,
 * and replace one section of docs/benchmarks.md per benchmark.
 */

import { execSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { cpus, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const RESULTS = join(ROOT, 'bench', 'results.json')
export const DOC = join(ROOT, 'docs', 'benchmarks.md')

/** One line describing the machine, for every result. */
export function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown cpu'
  const load = execSync('cat /proc/loadavg', { encoding: 'utf8' }).split(' ').slice(0, 3).join(' ')
  return `${cpus().length} × ${cpu.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load ${load}`
}

/** Merge `value` under `key` into bench/results.json, keeping other benchmarks' keys. */
export async function mergeResults(key: string, value: Record<string, unknown>): Promise<void> {
  const current = existsSync(RESULTS)
    ? (JSON.parse(await readFile(RESULTS, 'utf8')) as Record<string, unknown>)
    : {}
  current[key] = { ...value, measuredAt: new Date().toISOString(), machine: machine() }
  await writeFile(RESULTS, `${JSON.stringify(current, null, 2)}\n`)
}

/**
 * Replace the section `## <title>` of docs/benchmarks.md with `markdown` (or append it), so each
 * benchmark owns one section and reruns update it in place.
 */
export async function writeDocSection(title: string, markdown: string): Promise<void> {
  const header =
    "# Benchmarks\n\nNumbers from `npm run bench -- <name>` on this project's 2-core machines. Each section says the command, date and machine; compare ratios against the peer measured in the same run (the machines are shared and noisy).\n"
  const doc = existsSync(DOC) ? await readFile(DOC, 'utf8') : header
  const heading = `## ${title}`
  const body = `${heading}\n\n${markdown.trim()}\n`
  const start = doc.indexOf(`${heading}\n`)
  let next: string
  if (start === -1) {
    next = `${doc.trimEnd()}\n\n${body}`
  } else {
    const after = doc.indexOf('\n## ', start + heading.length)
    // The blank line before the next heading belonged to the replaced section: put it back.
    next = doc.slice(0, start) + body + (after === -1 ? '' : `\n${doc.slice(after + 1)}`)
  }
  await writeFile(DOC, next)
}
