/**
 * @module
 * SHA-256 of the files a build from candidates reads, streamed (files of any size, 1 MiB at a
 * time): what a sliced build's id is computed from, so every slice knows it without the others.
 */

import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import type { Logger } from '../log'

export type InputDigest = { role: string; file: string; bytes: number; sha256: string }

/** Digest each `[role, path]` in the order given (the order is part of the id). */
export async function digestInputs(
  inputs: [role: string, path: string][],
  log: Logger
): Promise<InputDigest[]> {
  const sizes = await Promise.all(inputs.map(async ([, path]) => (await stat(path)).size))
  const total = sizes.reduce((a, b) => a + b, 0)
  const counter = log.counter('digest', 'SHA-256 of the inputs', { total, unit: 'bytes' })
  const out: InputDigest[] = []
  for (const [role, path] of inputs) {
    const hash = createHash('sha256')
    let bytes = 0
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      hash.update(chunk as Buffer)
      bytes += (chunk as Buffer).length
      counter.add((chunk as Buffer).length)
    }
    // The file name, not its directory: the same files give the same id wherever they are.
    out.push({ role, file: basename(path), bytes, sha256: hash.digest('hex') })
  }
  counter.end(`${inputs.length} files`)
  return out
}
