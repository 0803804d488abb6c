/**
 * @module
 * Binary encoding of one shard's body (format v2, before compression): a table of the pins it
 * mentions (metadata and sign signature, each stored once) followed by the records of the pins
 * whose id hashes to this shard (own int8 vector, per-source maxima, capped candidates with stored
 * scores). Layout in docs/artifact-format.md. Opening a body indexes record ids; only the requested
 * record and its candidates' table entries are decoded.
 */

import { ArtifactError } from '../errors'
import { ByteReader, ByteWriter } from './bytes'
import {
  type Candidate,
  type PinEntry,
  type PinRecord,
  SOURCE_BIT,
  SOURCES,
  type SourceName,
  STORED_SCORE_SOURCES,
  type VectorDtype,
} from './format'
import { signatureBytes } from './signature'

export const SCORE_MAX = 65535

export type ShardLayout = { dims: number; vectorDtype: VectorDtype }

/** Scores are stored as uint16 over [0, 1]: resolution 1.5e-5, enough for ranking. */
export const encodeScore = (s: number): number =>
  Math.round(Math.min(1, Math.max(0, s)) * SCORE_MAX)

/** A score as the reader will see it after the uint16 round trip (the build ranks on these). */
export const storedScore = (s: number): number => encodeScore(s) / SCORE_MAX

/**
 * One pin's table entry: id, title, image URL, link, engagement, recent engagement and (when
 * stored) signature.
 */
export function writeEntry(w: ByteWriter, pin: PinEntry, sigBytes: number): void {
  w.string(pin.id)
  w.string(pin.title)
  w.string(pin.imageUrl)
  w.string(pin.link)
  w.varint(Math.round(pin.engagement))
  w.varint(Math.round(pin.recentEngagement))
  if (sigBytes > 0 && pin.signature) {
    if (pin.signature.length !== sigBytes) {
      throw new ArtifactError(
        'shard_invalid',
        `pin '${pin.id}': signature is not ${sigBytes} bytes`
      )
    }
    w.u8(1)
    w.bytes(pin.signature)
  } else {
    w.u8(0)
  }
}

function writeVector(w: ByteWriter, pin: PinEntry, layout: ShardLayout): void {
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

/** Per-source maxima over a record's candidates (what `maxScores` holds when not capped). */
export function candidateMaxima(candidates: readonly Candidate[]): Record<SourceName, number> {
  const max: Record<SourceName, number> = { cooc: 0, pin2vec: 0, session: 0, walk: 0 }
  for (const c of candidates) {
    for (const source of SOURCES) {
      max[source] = Math.max(max[source], c.scores[source] ?? 0)
    }
  }
  return max
}

/**
 * A pin's table entry already encoded by writeEntry (the same bytes), or undefined to encode it
 * here. The build encodes each pin's entry once: a pin sits in the table of every shard where it
 * is a candidate, and encoding its strings each time was a fifth of the write stage.
 */
export type EncodedEntryOf = (pin: PinEntry) => Uint8Array | undefined

/** Encode the records of one shard into an (uncompressed) body. */
export function encodeShardBody(
  records: readonly PinRecord[],
  layout: ShardLayout,
  encodedEntry?: EncodedEntryOf
): Uint8Array {
  const sigBytes = layout.vectorDtype === 'none' ? 0 : signatureBytes(layout.dims)
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
  w.u32(table.length)
  w.u32(records.length)
  for (const pin of table) {
    const encoded = encodedEntry?.(pin)
    if (encoded) {
      w.bytes(encoded)
    } else {
      writeEntry(w, pin, sigBytes)
    }
  }
  for (const r of records) {
    w.varint(indexOf(r.pin))
    writeVector(w, r.pin, layout)
    const max = r.maxScores ?? candidateMaxima(r.candidates)
    for (const source of SOURCES) {
      w.u16(encodeScore(max[source]))
    }
    w.varint(r.candidates.length)
    for (const c of r.candidates) {
      w.varint(indexOf(c.pin))
      w.u8(c.sources)
      w.u16(encodeScore(c.scores.pin2vec ?? 0))
      for (const source of STORED_SCORE_SOURCES) {
        if (c.sources & SOURCE_BIT[source]) {
          w.u16(encodeScore(c.scores[source] ?? 0))
        }
      }
    }
  }
  return w.finish()
}

const SCORED_BITS = STORED_SCORE_SOURCES.map((s) => SOURCE_BIT[s])

/** Random access to the records of one decoded shard body. */
export class ShardReader {
  private readonly tableOffsets: Uint32Array
  private readonly entries: (PinEntry | undefined)[]
  private readonly recordOffsets = new Map<string, number>()
  private readonly sigBytes: number
  private readonly vectorBytes: number

  constructor(
    readonly body: Uint8Array,
    readonly layout: ShardLayout
  ) {
    this.sigBytes = layout.vectorDtype === 'none' ? 0 : signatureBytes(layout.dims)
    this.vectorBytes = layout.vectorDtype === 'int8' ? layout.dims : layout.dims * 4
    try {
      const r = new ByteReader(body)
      const tableCount = r.u32()
      const recordCount = r.u32()
      this.tableOffsets = new Uint32Array(tableCount)
      this.entries = new Array(tableCount)
      for (let i = 0; i < tableCount; i++) {
        this.tableOffsets[i] = r.pos
        r.skipString()
        r.skipString()
        r.skipString()
        r.skipString()
        r.varint() // engagement
        r.varint() // recent engagement
        if (r.u8() === 1) {
          r.skip(this.sigBytes)
        }
      }
      for (let i = 0; i < recordCount; i++) {
        const start = r.pos
        const self = r.varint()
        this.recordOffsets.set(this.idAt(self), start)
        if (r.u8() === 1) {
          r.skip(4 + this.vectorBytes)
        }
        r.skip(2 * SOURCES.length)
        const n = r.varint()
        for (let j = 0; j < n; j++) {
          r.varint()
          const mask = r.u8()
          r.skip(2)
          for (const bit of SCORED_BITS) {
            if (mask & bit) {
              r.skip(2)
            }
          }
        }
      }
      if (r.pos !== body.length) {
        throw new RangeError(`${body.length - r.pos} trailing bytes`)
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

  /** The record of pin `id`, or null when this shard has none. Decoded anew on every call. */
  get(id: string): PinRecord | null {
    const start = this.recordOffsets.get(id)
    if (start === undefined) {
      return null
    }
    const r = new ByteReader(this.body, start)
    const own = this.entryAt(r.varint())
    let pin: PinEntry = own
    if (r.u8() === 1) {
      const scale = r.f32()
      const at = this.body.byteOffset + r.pos
      const vector =
        this.layout.vectorDtype === 'int8'
          ? new Int8Array(this.body.buffer, at, this.layout.dims)
          : // Float32Array views need 4-byte alignment, which a packed body does not guarantee.
            new Float32Array(this.body.buffer.slice(at, at + this.vectorBytes))
      r.skip(this.vectorBytes)
      pin = { ...own, vector, scale }
    }
    const maxScores = {} as Record<SourceName, number>
    for (const source of SOURCES) {
      maxScores[source] = r.u16() / SCORE_MAX
    }
    const n = r.varint()
    const candidates: Candidate[] = new Array(n)
    for (let j = 0; j < n; j++) {
      const entry = this.entryAt(r.varint())
      const sources = r.u8()
      const scores: Candidate['scores'] = {}
      const p2v = r.u16()
      if (entry.signature && pin.vector) {
        scores.pin2vec = p2v / SCORE_MAX
      }
      for (const source of STORED_SCORE_SOURCES) {
        if (sources & SOURCE_BIT[source]) {
          scores[source] = r.u16() / SCORE_MAX
        }
      }
      candidates[j] = { pin: entry, sources, scores }
    }
    return { pin, candidates, maxScores }
  }

  /** Only the id of table entry `index`: indexing needs no titles or links. */
  private idAt(index: number): string {
    const offset = this.tableOffsets[index]
    if (offset === undefined) {
      throw new ArtifactError('shard_invalid', `table index ${index} out of range`)
    }
    return new ByteReader(this.body, offset).string()
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
    const r = new ByteReader(this.body, offset)
    const id = r.string()
    const title = r.string()
    const imageUrl = r.string()
    const link = r.string()
    const engagement = r.varint()
    const recentEngagement = r.varint()
    let signature: Uint8Array | null = null
    if (r.u8() === 1) {
      signature = this.body.subarray(r.pos, r.pos + this.sigBytes)
    }
    const entry: PinEntry = {
      id,
      title,
      imageUrl,
      link,
      engagement,
      recentEngagement,
      vector: null,
      scale: 1,
      signature,
    }
    this.entries[index] = entry
    return entry
  }
}
