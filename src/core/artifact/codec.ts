/**
 * @module
 * Binary encoding of one shard: a table of the pins it mentions (each stored once, with its vector)
 * followed by the records of the pins whose id hashes to this shard. Layout in
 * docs/artifact-format.md. The reader decodes lazily: opening a shard indexes record ids, and only
 * the requested record and its candidates' table entries are decoded.
 */

import { ArtifactError } from '../errors'
import { ByteReader, ByteWriter } from './bytes'
import {
  type Candidate,
  FORMAT_VERSION,
  type PinEntry,
  type PinRecord,
  SOURCE_BIT,
  STORED_SCORE_SOURCES,
  type VectorDtype,
} from './format'

const MAGIC = 0x31535052 // "RPS1" little-endian
const DTYPE_CODE: Record<VectorDtype, number> = { none: 0, int8: 1, float32: 2 }
const DTYPE_OF_CODE: VectorDtype[] = ['none', 'int8', 'float32']
const SCORE_MAX = 65535

export type ShardLayout = { dims: number; vectorDtype: VectorDtype }

/** Scores are stored as uint16 over [0, 1]: resolution 1.5e-5, enough for ranking. */
const encodeScore = (s: number): number => Math.round(Math.min(1, Math.max(0, s)) * SCORE_MAX)

function writeEntry(w: ByteWriter, pin: PinEntry, layout: ShardLayout): void {
  w.string(pin.id)
  w.string(pin.title)
  w.string(pin.imageUrl)
  w.string(pin.link)
  w.varint(Math.round(pin.engagement))
  if (!pin.vector || layout.vectorDtype === 'none') {
    w.u8(0)
    return
  }
  if (pin.vector.length !== layout.dims) {
    throw new ArtifactError(
      'shard_invalid',
      `pin '${pin.id}': vector has ${pin.vector.length} dims, expected ${layout.dims}`
    )
  }
  w.u8(1)
  w.f32(pin.scale)
  if (layout.vectorDtype === 'int8') {
    if (!(pin.vector instanceof Int8Array)) {
      throw new ArtifactError('shard_invalid', `pin '${pin.id}': expected an int8 vector`)
    }
    w.bytes(new Uint8Array(pin.vector.buffer, pin.vector.byteOffset, pin.vector.length))
  } else {
    for (const v of pin.vector) {
      w.f32(v)
    }
  }
}

/**
 * Encode records into one shard. Every pin referenced (the record's own pin and its candidates) is
 * written once into the shard's table.
 */
export function encodeShard(records: PinRecord[], layout: ShardLayout): Uint8Array {
  const tableIndex = new Map<string, number>()
  const table: PinEntry[] = []
  const indexOf = (pin: PinEntry): number => {
    let i = tableIndex.get(pin.id)
    if (i === undefined) {
      i = table.length
      tableIndex.set(pin.id, i)
      table.push(pin)
    }
    return i
  }
  for (const r of records) {
    indexOf(r.pin)
    for (const c of r.candidates) {
      indexOf(c.pin)
    }
  }
  const w = new ByteWriter()
  w.u32(MAGIC)
  w.u16(FORMAT_VERSION)
  w.u8(DTYPE_CODE[layout.vectorDtype])
  w.u8(0)
  w.u16(layout.dims)
  w.u32(table.length)
  w.u32(records.length)
  for (const pin of table) {
    writeEntry(w, pin, layout)
  }
  for (const r of records) {
    w.varint(indexOf(r.pin))
    w.varint(r.candidates.length)
    for (const c of r.candidates) {
      w.varint(indexOf(c.pin))
      w.u8(c.sources)
      for (const source of STORED_SCORE_SOURCES) {
        if (c.sources & SOURCE_BIT[source]) {
          w.u16(encodeScore(c.scores[source] ?? 0))
        }
      }
    }
  }
  return w.finish()
}

/** Random access to the records of one encoded shard. */
export class ShardReader {
  readonly dims: number
  readonly vectorDtype: VectorDtype
  private readonly tableOffsets: Uint32Array
  private readonly entries: (PinEntry | undefined)[]
  private readonly recordOffsets = new Map<string, number>()

  constructor(readonly bytes: Uint8Array) {
    try {
      const r = new ByteReader(bytes)
      if (r.u32() !== MAGIC) {
        throw new ArtifactError('shard_invalid', 'not a related-pins shard (bad magic)')
      }
      const version = r.u16()
      if (version !== FORMAT_VERSION) {
        throw new ArtifactError(
          'format_version',
          `shard format ${version}, this reader understands ${FORMAT_VERSION}`
        )
      }
      this.vectorDtype = DTYPE_OF_CODE[r.u8()] ?? 'none'
      r.u8()
      this.dims = r.u16()
      const tableCount = r.u32()
      const recordCount = r.u32()
      this.tableOffsets = new Uint32Array(tableCount)
      this.entries = new Array(tableCount)
      const vectorBytes = this.vectorDtype === 'int8' ? this.dims : this.dims * 4
      for (let i = 0; i < tableCount; i++) {
        this.tableOffsets[i] = r.pos
        r.skipString()
        r.skipString()
        r.skipString()
        r.skipString()
        r.varint()
        if (r.u8() === 1) {
          r.skip(4 + vectorBytes)
        }
      }
      for (let i = 0; i < recordCount; i++) {
        const start = r.pos
        const self = r.varint()
        this.recordOffsets.set(this.entryAt(self).id, start)
        const n = r.varint()
        for (let j = 0; j < n; j++) {
          r.varint()
          const mask = r.u8()
          for (const source of STORED_SCORE_SOURCES) {
            if (mask & SOURCE_BIT[source]) {
              r.skip(2)
            }
          }
        }
      }
    } catch (err) {
      if (err instanceof ArtifactError) {
        throw err
      }
      throw new ArtifactError('shard_invalid', `corrupt shard: ${(err as Error).message}`, {
        cause: err,
      })
    }
  }

  get size(): number {
    return this.recordOffsets.size
  }

  ids(): IterableIterator<string> {
    return this.recordOffsets.keys()
  }

  has(id: string): boolean {
    return this.recordOffsets.has(id)
  }

  /** The record of pin `id`, or null when this shard has none. */
  get(id: string): PinRecord | null {
    const start = this.recordOffsets.get(id)
    if (start === undefined) {
      return null
    }
    const r = new ByteReader(this.bytes, start)
    const pin = this.entryAt(r.varint())
    const n = r.varint()
    const candidates: Candidate[] = new Array(n)
    for (let j = 0; j < n; j++) {
      const entry = this.entryAt(r.varint())
      const sources = r.u8()
      const scores: Candidate['scores'] = {}
      for (const source of STORED_SCORE_SOURCES) {
        if (sources & SOURCE_BIT[source]) {
          scores[source] = r.u16() / SCORE_MAX
        }
      }
      candidates[j] = { pin: entry, sources, scores }
    }
    return { pin, candidates }
  }

  private entryAt(index: number): PinEntry {
    const cached = this.entries[index]
    if (cached) {
      return cached
    }
    const offset = this.tableOffsets[index]
    if (offset === undefined) {
      throw new ArtifactError('shard_invalid', `table index ${index} out of range`)
    }
    const r = new ByteReader(this.bytes, offset)
    const id = r.string()
    const title = r.string()
    const imageUrl = r.string()
    const link = r.string()
    const engagement = r.varint()
    let vector: PinEntry['vector'] = null
    let scale = 1
    if (r.u8() === 1) {
      scale = r.f32()
      const at = this.bytes.byteOffset + r.pos
      if (this.vectorDtype === 'int8') {
        vector = new Int8Array(this.bytes.buffer, at, this.dims)
      } else {
        // Float32Array views need 4-byte alignment, which a packed shard does not guarantee.
        vector = new Float32Array(this.bytes.buffer.slice(at, at + this.dims * 4))
      }
    }
    const entry: PinEntry = { id, title, imageUrl, link, engagement, vector, scale }
    this.entries[index] = entry
    return entry
  }
}
