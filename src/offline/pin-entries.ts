/**
 * @module
 * Each pin's shard-table entry, made and encoded once per plan. A pin sits in the table of every
 * shard where it is a candidate, and encoding its strings there each time was about a fifth of the
 * write stage's main thread (CPU profile of a 100k-pin build: 10.7 s of string encoding, 0.65 s
 * after). Objects and bytes are made on first use and kept for the whole plan, so memory grows
 * with the pins seen: an entry object and its encoded bytes (id, title, image URL, link) per pin.
 */

import { ByteWriter, type PinEntry, writeEntry } from '../core/artifact'

/** Encoded entries are appended to chunks of this size (an entry larger than one gets its own). */
const CHUNK_BYTES = 1 << 22

/**
 * The pin index of an entry object handed out, kept on the object: a Map from entry objects to
 * indices cost 3.7 s of a 100k build's write stage (CPU profile), one lookup per table entry.
 */
const PIN_INDEX = Symbol('pin index')
type IndexedEntry = PinEntry & { [PIN_INDEX]?: number }

export class PinEntries {
  private readonly objects: (PinEntry | undefined)[]
  /** Entry i's bytes are chunks[chunk[i] - 1][start[i], start[i] + length[i]); chunk 0 = not yet. */
  private readonly chunk: Int32Array
  private readonly start: Int32Array
  private readonly length: Int32Array
  private readonly chunks: Uint8Array[] = []
  private used = CHUNK_BYTES
  private readonly writer = new ByteWriter()

  constructor(
    count: number,
    private readonly make: (i: number) => PinEntry,
    private readonly sigBytes: number
  ) {
    this.objects = new Array<PinEntry | undefined>(count)
    this.chunk = new Int32Array(count)
    this.start = new Int32Array(count)
    this.length = new Int32Array(count)
  }

  /** Pin i's entry; the same object every time, so it must not be changed. */
  entry(i: number): PinEntry {
    let e = this.objects[i]
    if (!e) {
      const made: IndexedEntry = this.make(i)
      made[PIN_INDEX] = i
      this.objects[i] = made
      e = made
    }
    return e
  }

  /** writeEntry's bytes of an entry from `entry` (undefined for any other object). */
  readonly encodedEntry = (pin: PinEntry): Uint8Array | undefined => {
    const i = (pin as IndexedEntry)[PIN_INDEX]
    // A copy of an entry (a record's own pin, with its vector) carries the index but not the object.
    if (i === undefined || this.objects[i] !== pin) {
      return undefined
    }
    if (this.chunk[i] === 0) {
      this.encode(i, pin)
    }
    const at = this.start[i]!
    return this.chunks[this.chunk[i]! - 1]!.subarray(at, at + this.length[i]!)
  }

  private encode(i: number, pin: PinEntry): void {
    const w = this.writer
    w.length = 0
    writeEntry(w, pin, this.sigBytes)
    const bytes = w.written()
    if (this.used + bytes.length > CHUNK_BYTES) {
      this.chunks.push(new Uint8Array(Math.max(CHUNK_BYTES, bytes.length)))
      this.used = 0
    }
    this.chunks.at(-1)!.set(bytes, this.used)
    this.chunk[i] = this.chunks.length
    this.start[i] = this.used
    this.length[i] = bytes.length
    this.used += bytes.length
  }
}
