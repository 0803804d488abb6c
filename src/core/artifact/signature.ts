/**
 * @module
 * Sign signatures of Pin2Vec vectors: one bit per component (of the first SIGNATURE_BITS), 8 bytes
 * per candidate instead of a 64-byte int8 vector. Format v2 stores them for candidates, so the
 * worker can still estimate how close two pins are (context re-ranking, near-duplicate collapse)
 * without candidate vectors in the shard.
 */

/** Components whose sign is kept; vectors of fewer dims keep all of them. */
export const SIGNATURE_BITS = 64

export const signatureBits = (dims: number): number => Math.min(dims, SIGNATURE_BITS)
export const signatureBytes = (dims: number): number => Math.ceil(signatureBits(dims) / 8)

/** Bit i set when component i is positive. */
export function signatureOf(vector: ArrayLike<number>, dims: number): Uint8Array {
  const bits = signatureBits(dims)
  const out = new Uint8Array(Math.ceil(bits / 8))
  for (let i = 0; i < bits; i++) {
    if ((vector[i] as number) > 0) {
      out[i >> 3] = (out[i >> 3] as number) | (1 << (i & 7))
    }
  }
  return out
}

const POPCOUNT = Uint8Array.from({ length: 256 }, (_, b) => {
  let n = 0
  for (let v = b; v; v >>= 1) {
    n += v & 1
  }
  return n
})

/**
 * Estimated cosine of two signed vectors from the share of signs that differ: cos(π · h / bits),
 * the random-hyperplane estimate (Charikar 2002) with the coordinate axes as hyperplanes. It is an
 * approximation: exact for the sign pattern, coarse for any one pair (±0.2 at 64 bits).
 */
export function signatureCosine(a: Uint8Array, b: Uint8Array, bits: number): number {
  let differ = 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    differ += POPCOUNT[(a[i] as number) ^ (b[i] as number)] as number
  }
  return Math.cos((Math.PI * differ) / Math.max(1, bits))
}
