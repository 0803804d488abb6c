/**
 * @module
 * hash32(text): the first 32 bits of MD5(UTF-8 text), read as the first 8 hex digits of the digest.
 * Every sampling decision of the co-occurrence stages is keyed by it, because MD5 is the one hash
 * that DuckDB, Spark SQL, BigQuery, Snowflake, Trino and ClickHouse all compute the same way, so the
 * SQL in sql/ samples exactly the rows this build samples (see sql/README.md). node:crypto costs
 * ~3.4 µs per call on short ids (binding overhead); this single-purpose MD5 is ~10× cheaper.
 */

const S = Int32Array.from([
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14,
  20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6,
  10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
])
const K = Int32Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32))
const G = Int32Array.from({ length: 64 }, (_, i) =>
  i < 16 ? i : i < 32 ? (5 * i + 1) & 15 : i < 48 ? (3 * i + 5) & 15 : (7 * i) & 15
)
const encoder = new TextEncoder()
let buffer = new Uint8Array(256)
let words = new Int32Array(64)

/** MD5 of `text`'s UTF-8 bytes; returns the digest's first 4 bytes as a big-endian uint32. */
export function hash32(text: string): number {
  let bytes: Uint8Array
  let length: number
  // ASCII fast path: no TextEncoder allocation.
  let ascii = true
  for (let i = 0; i < text.length && ascii; i++) {
    ascii = text.charCodeAt(i) < 0x80
  }
  const needed = (((ascii ? text.length : text.length * 3) + 72) >> 6) << 6
  if (needed > buffer.length) {
    buffer = new Uint8Array(needed * 2)
    words = new Int32Array(buffer.length >> 2)
  }
  if (ascii) {
    length = text.length
    for (let i = 0; i < length; i++) {
      buffer[i] = text.charCodeAt(i)
    }
    bytes = buffer
  } else {
    const encoded = encoder.encode(text)
    length = encoded.length
    buffer.set(encoded)
    bytes = buffer
  }
  const blocks = (length + 72) >> 6
  const total = blocks << 6
  bytes[length] = 0x80
  bytes.fill(0, length + 1, total)
  const bits = length * 8
  bytes[total - 8] = bits & 0xff
  bytes[total - 7] = (bits >>> 8) & 0xff
  bytes[total - 6] = (bits >>> 16) & 0xff
  bytes[total - 5] = (bits >>> 24) & 0xff
  bytes[total - 4] = Math.floor(bits / 2 ** 32) & 0xff
  for (let w = 0; w < total >> 2; w++) {
    const o = w << 2
    words[w] = bytes[o]! | (bytes[o + 1]! << 8) | (bytes[o + 2]! << 16) | (bytes[o + 3]! << 24)
  }
  let a0 = 0x67452301
  let b0 = 0xefcdab89 | 0
  let c0 = 0x98badcfe | 0
  let d0 = 0x10325476
  for (let blk = 0; blk < blocks; blk++) {
    const base = blk << 4
    let a = a0
    let b = b0
    let c = c0
    let d = d0
    for (let i = 0; i < 64; i++) {
      const r = i >> 4
      const f =
        r === 0
          ? (b & c) | (~b & d)
          : r === 1
            ? (d & b) | (~d & c)
            : r === 2
              ? b ^ c ^ d
              : c ^ (b | ~d)
      const t = d
      d = c
      c = b
      const x = (a + f + K[i]! + words[base + G[i]!]!) | 0
      const s = S[i]!
      b = (b + ((x << s) | (x >>> (32 - s)))) | 0
      a = t
    }
    a0 = (a0 + a) | 0
    b0 = (b0 + b) | 0
    c0 = (c0 + c) | 0
    d0 = (d0 + d) | 0
  }
  // The digest starts with a0 in little-endian byte order; its hex prefix reads those bytes in order.
  return (
    (((a0 & 0xff) << 24) |
      (((a0 >>> 8) & 0xff) << 16) |
      (((a0 >>> 16) & 0xff) << 8) |
      (a0 >>> 24)) >>>
    0
  )
}
