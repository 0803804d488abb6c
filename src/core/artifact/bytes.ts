/**
 * @module
 * Little-endian byte writer and reader with LEB128 varints and length-prefixed UTF-8 strings.
 */

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export class ByteWriter {
  private buf = new Uint8Array(1024)
  private view = new DataView(this.buf.buffer)
  length = 0

  private reserve(extra: number): void {
    if (this.length + extra <= this.buf.length) {
      return
    }
    let size = this.buf.length * 2
    while (size < this.length + extra) {
      size *= 2
    }
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.length))
    this.buf = next
    this.view = new DataView(next.buffer)
  }

  u8(v: number): void {
    this.reserve(1)
    this.buf[this.length++] = v
  }
  u16(v: number): void {
    this.reserve(2)
    this.view.setUint16(this.length, v, true)
    this.length += 2
  }
  u32(v: number): void {
    this.reserve(4)
    this.view.setUint32(this.length, v, true)
    this.length += 4
  }
  f32(v: number): void {
    this.reserve(4)
    this.view.setFloat32(this.length, v, true)
    this.length += 4
  }
  varint(v: number): void {
    if (!Number.isInteger(v) || v < 0) {
      throw new RangeError(`varint must be a non-negative integer, got ${v}`)
    }
    while (v >= 0x80) {
      this.u8((v % 0x80) | 0x80)
      v = Math.floor(v / 0x80)
    }
    this.u8(v)
  }
  bytes(b: Uint8Array): void {
    this.reserve(b.length)
    this.buf.set(b, this.length)
    this.length += b.length
  }
  string(s: string): void {
    // ASCII (one byte per UTF-16 unit, the same bytes TextEncoder gives) is copied in one pass
    // behind its length: TextEncoder's per-call cost was a fifth of the build's write stage, over
    // millions of short titles and URLs. On the first other unit the copy is undone and the string
    // goes through TextEncoder (which also turns lone surrogates into U+FFFD).
    const n = s.length
    const start = this.length
    this.varint(n)
    this.reserve(n)
    const buf = this.buf
    let at = this.length
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i)
      if (c > 0x7f) {
        this.length = start
        const b = encoder.encode(s)
        this.varint(b.length)
        this.bytes(b)
        return
      }
      buf[at++] = c
    }
    this.length = at
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.length)
  }
  /** The bytes written so far, without a copy: valid until the next write (or `length = 0`). */
  written(): Uint8Array {
    return this.buf.subarray(0, this.length)
  }
}

export class ByteReader {
  private readonly view: DataView
  constructor(
    readonly buf: Uint8Array,
    public pos = 0
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) {
      throw new RangeError(`read past end: need ${n} bytes at ${this.pos} of ${this.buf.length}`)
    }
  }
  u8(): number {
    this.need(1)
    return this.buf[this.pos++] as number
  }
  u16(): number {
    this.need(2)
    const v = this.view.getUint16(this.pos, true)
    this.pos += 2
    return v
  }
  u32(): number {
    this.need(4)
    const v = this.view.getUint32(this.pos, true)
    this.pos += 4
    return v
  }
  f32(): number {
    this.need(4)
    const v = this.view.getFloat32(this.pos, true)
    this.pos += 4
    return v
  }
  varint(): number {
    let result = 0
    let mul = 1
    for (;;) {
      const b = this.u8()
      result += (b & 0x7f) * mul
      if (b < 0x80) {
        return result
      }
      mul *= 0x80
      if (mul > 2 ** 49) {
        throw new RangeError(`varint too long at ${this.pos}`)
      }
    }
  }
  skip(n: number): void {
    this.need(n)
    this.pos += n
  }
  skipString(): void {
    this.skip(this.varint())
  }
  string(): string {
    const n = this.varint()
    this.need(n)
    const s = decoder.decode(this.buf.subarray(this.pos, this.pos + n))
    this.pos += n
    return s
  }
}
