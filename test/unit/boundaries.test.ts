import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = join(import.meta.dirname, '..', '..', 'src')

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : /\.tsx?$/.test(name) ? [path] : []
  })
}

const importsOf = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]!)

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
    for (const file of filesUnder(join(SRC, 'worker'))) {
      for (const spec of importsOf(file)) {
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
})
