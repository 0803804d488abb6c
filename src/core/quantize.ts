/**
 * @module
 * Symmetric per-vector int8 quantisation and the vector maths the worker runs on stored vectors.
 */

/** Quantise to int8 with one scale per vector: q = round(x / scale), scale = max|x| / 127. */
export function quantizeVector(values: Float32Array): { q: Int8Array; scale: number } {
  let maxAbs = 0
  for (const v of values) {
    maxAbs = Math.max(maxAbs, Math.abs(v))
  }
  const scale = maxAbs > 0 ? maxAbs / 127 : 1
  const q = new Int8Array(values.length)
  for (let i = 0; i < values.length; i++) {
    q[i] = Math.max(-127, Math.min(127, Math.round((values[i] as number) / scale)))
  }
  return { q, scale }
}

export function dequantizeVector(q: Int8Array | Float32Array, scale: number): Float32Array {
  const out = new Float32Array(q.length)
  for (let i = 0; i < q.length; i++) {
    out[i] = (q[i] as number) * scale
  }
  return out
}

/** The cosine from a dot product and the two squared norms; 0 when either vector is zero. */
export const cosineOfDot = (dot: number, na: number, nb: number): number =>
  na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0

/**
 * Cosine similarity of two stored vectors. Per-vector scales cancel out, so int8 vectors are
 * compared directly (no dequantisation on the request path).
 */
export function cosine(a: Int8Array | Float32Array, b: Int8Array | Float32Array): number {
  let dot = 0
  let na = 0
  let nb = 0
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number
    const y = b[i] as number
    dot += x * y
    na += x * x
    nb += y * y
  }
  return cosineOfDot(dot, na, nb)
}

/**
 * The squared norm of every `dims`-wide row of a row-major table, summed in cosine()'s order, so
 * that cosineRows() gives cosine()'s value without summing them again for every pair.
 */
export function squaredRowNorms(data: Int8Array | Float32Array, dims: number): Float64Array {
  const rows = Math.floor(data.length / Math.max(1, dims))
  const norms = new Float64Array(rows)
  for (let r = 0; r < rows; r++) {
    let n = 0
    for (let i = r * dims; i < (r + 1) * dims; i++) {
      const x = data[i] as number
      n += x * x
    }
    norms[r] = n
  }
  return norms
}

/**
 * cosine() of rows a and b of a row-major table of `dims`-wide rows, without making views of them
 * (the build scores every candidate this way). `norms` is squaredRowNorms(data, dims): the same
 * sums in the same order, so the same value, with only the dot product computed per pair.
 */
export function cosineRows(
  data: Int8Array | Float32Array,
  norms: Float64Array,
  a: number,
  b: number,
  dims: number
): number {
  let dot = 0
  const oa = a * dims
  const ob = b * dims
  for (let i = 0; i < dims; i++) {
    dot += (data[oa + i] as number) * (data[ob + i] as number)
  }
  return cosineOfDot(dot, norms[a]!, norms[b]!)
}
