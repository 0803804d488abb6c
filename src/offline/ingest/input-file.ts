/**
 * @module
 * Opens an input file as a stream of UTF-8 text chunks, gunzipping `.gz`, and picks its format.
 */

import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { BuildError } from '../errors'

export type Format = 'csv' | 'tsv' | 'jsonl' | 'parquet'

const EXTENSIONS: Record<string, Format> = {
  csv: 'csv',
  tsv: 'tsv',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  parquet: 'parquet',
}

// Large reads keep the per-chunk overhead (an await, a string concat) negligible next to parsing.
const READ_CHUNK = 1 << 20
const GUNZIP_CHUNK = 1 << 18

/** Format and compression from the file name; an explicit `format` wins over the extension. */
export function detectFormat(file: string, format?: Format): { format: Format; gzip: boolean } {
  const lower = file.toLowerCase()
  const gzip = lower.endsWith('.gz')
  const base = gzip ? lower.slice(0, -3) : lower
  const detected = format ?? EXTENSIONS[base.slice(base.lastIndexOf('.') + 1)]
  if (!detected) {
    throw new BuildError(
      'ingest',
      `${file}: unknown format (name it .csv, .tsv, .jsonl or .ndjson, optionally with .gz, or .parquet, or pass a format)`
    )
  }
  return { format: detected, gzip }
}

/** Stream the file's text to `onChunk`, which runs synchronously; resolves when the file ends. */
export async function readText(
  file: string,
  gzip: boolean,
  onChunk: (chunk: string) => void
): Promise<void> {
  try {
    const info = await stat(file)
    if (info.isDirectory()) {
      throw new BuildError('ingest', `${file}: is a directory, not a file`)
    }
  } catch (err) {
    throw ioError(file, err)
  }
  const raw = createReadStream(file, { highWaterMark: READ_CHUNK })
  let stream: Readable = raw
  if (gzip) {
    const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK })
    // pipe() does not forward errors: a read error must still end the iteration below.
    raw.on('error', (err) => gunzip.destroy(err))
    stream = raw.pipe(gunzip)
  }
  stream.setEncoding('utf8')
  const chunks = stream[Symbol.asyncIterator]()
  try {
    for (;;) {
      let next: IteratorResult<unknown>
      try {
        next = await chunks.next()
      } catch (err) {
        throw ioError(file, err)
      }
      if (next.done) {
        return
      }
      // Errors from parsing or the caller's callback propagate as they are.
      onChunk(next.value as string)
    }
  } finally {
    stream.destroy()
    raw.destroy()
  }
}

function ioError(file: string, err: unknown): BuildError {
  if (err instanceof BuildError) {
    return err
  }
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'ENOENT') {
    return new BuildError('ingest', `${file}: file not found`)
  }
  const what = code?.startsWith('Z_') ? 'gzip: ' : ''
  return new BuildError('ingest', `${file}: ${what}${(err as Error).message}`, { cause: err })
}
