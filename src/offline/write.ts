/**
 * @module
 * Writes artifacts to a directory and reads them back: manifest.json, shards/NNNNNN.bin,
 * kv-bulk.json (the `wrangler kv bulk put` format) and report.json.
 */

import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  CURRENT_KEY,
  type Manifest,
  manifestKey,
  parseManifest,
  sha256Hex,
  shardKey,
} from '../core/artifact'
import { ArtifactError } from '../core/errors'
import type { Artifacts } from './assemble'

export type KvEntry = { key: string; value: Uint8Array | string }

/** KV pairs in safe write order: shards, then the manifest, then the pointer naming this build. */
export function kvEntries(artifacts: Artifacts): KvEntry[] {
  const { manifest, shards } = artifacts
  return [
    ...shards.map((value, i) => ({ key: shardKey(manifest.buildId, i), value })),
    { key: manifestKey(manifest.buildId), value: JSON.stringify(manifest) },
    { key: CURRENT_KEY, value: manifest.buildId },
  ]
}

const shardFile = (dir: string, i: number): string =>
  join(dir, 'shards', `${String(i).padStart(6, '0')}.bin`)

export async function writeArtifacts(artifacts: Artifacts, dir: string): Promise<string[]> {
  await rm(join(dir, 'shards'), { recursive: true, force: true })
  await mkdir(join(dir, 'shards'), { recursive: true })
  const written: string[] = []
  for (const [i, bytes] of artifacts.shards.entries()) {
    await writeFile(shardFile(dir, i), bytes)
  }
  written.push(join(dir, 'shards/'))
  const files: [string, string][] = [
    ['manifest.json', `${JSON.stringify(artifacts.manifest, null, 2)}\n`],
    [
      'kv-bulk.json',
      JSON.stringify(
        kvEntries(artifacts).map(({ key, value }) =>
          typeof value === 'string'
            ? { key, value }
            : { key, value: Buffer.from(value).toString('base64'), base64: true }
        )
      ),
    ],
  ]
  for (const [name, text] of files) {
    await writeFile(join(dir, name), text)
    written.push(join(dir, name))
  }
  return written
}

export async function writeReport(dir: string, report: unknown): Promise<string> {
  const path = join(dir, 'report.json')
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`)
  return path
}

/** Read an artifacts directory back, verifying every shard against the manifest's checksum. */
export async function readArtifacts(dir: string): Promise<Artifacts> {
  let manifest: Manifest
  try {
    manifest = parseManifest(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ArtifactError(
        'manifest_missing',
        `${join(dir, 'manifest.json')} not found: run \`npx related-pins build\` first`
      )
    }
    throw err
  }
  const shards: Uint8Array[] = []
  for (const info of manifest.shards) {
    const bytes = new Uint8Array(await readFile(shardFile(dir, info.index)))
    if ((await sha256Hex(bytes)) !== info.sha256) {
      throw new ArtifactError(
        'checksum',
        `${shardFile(dir, info.index)}: checksum does not match the manifest`
      )
    }
    shards.push(bytes)
  }
  return { manifest, shards }
}
