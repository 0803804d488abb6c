/**
 * @module
 * Top-k selection over a block of scores on plain arrays: a bounded insertion list per row,
 * cheaper than tfjs topk here because almost every score loses to the running k-th best.
 */

/**
 * For each row r of `scores` ([rows, cols]), write the `topN` best columns (mapped through `ids`,
 * skipping the column whose id equals `selfIds[r]`) into `indices`/`values` at `outRows[r] * topN`,
 * best first. Ties keep the earlier column, so results are deterministic. With `merge`, each row's
 * list starts from what is already at its output slot (-1 ends it), so blocks of columns combine.
 */
export function selectTopRows(
  scores: Float32Array,
  rows: number,
  cols: number,
  ids: ArrayLike<number>,
  selfIds: ArrayLike<number>,
  outRows: ArrayLike<number>,
  topN: number,
  indices: Int32Array,
  values: Float32Array,
  merge = false
): void {
  const bestScore = new Float32Array(topN)
  const bestId = new Int32Array(topN)
  for (let r = 0; r < rows; r++) {
    const self = selfIds[r] as number
    const out = (outRows[r] as number) * topN
    // The running list is loaded only once a score beats its k-th best: in merge mode most rows of
    // a block change nothing, and reading and writing topN slots per row cost more than the scan.
    let loaded = !merge
    let size = 0
    let floor = -Infinity
    if (merge && (indices[out + topN - 1] as number) >= 0) {
      size = topN
      floor = values[out + topN - 1] as number
    }
    const base = r * cols
    for (let c = 0; c < cols; c++) {
      const s = scores[base + c] as number
      if (size === topN && !(s > floor)) {
        continue
      }
      const id = ids[c] as number
      if (id === self) {
        continue
      }
      if (!loaded) {
        loaded = true
        size = 0
        while (size < topN && (indices[out + size] as number) >= 0) {
          bestScore[size] = values[out + size] as number
          bestId[size] = indices[out + size] as number
          size++
        }
      }
      let i = size < topN ? size++ : topN - 1
      while (i > 0 && s > (bestScore[i - 1] as number)) {
        bestScore[i] = bestScore[i - 1] as number
        bestId[i] = bestId[i - 1] as number
        i--
      }
      bestScore[i] = s
      bestId[i] = id
      if (size === topN) {
        floor = bestScore[topN - 1] as number
      }
    }
    if (loaded) {
      for (let i = 0; i < size; i++) {
        indices[out + i] = bestId[i] as number
        values[out + i] = bestScore[i] as number
      }
    }
  }
}

/**
 * selectTopRows for searches that visit many candidate blocks per row (IVF): each row's slots at
 * `outRows[r] * topN` hold a min-heap by score (root = its k-th best) of `sizes[outRows[r]]`
 * entries, so an accepted candidate costs O(log topN) instead of shifting a sorted list; call
 * sortHeapRows once at the end. The heap never takes a score equal to its k-th best, as the sorted
 * list does not, and its operations depend only on the visit order: same input, same output.
 */
export function selectTopHeap(
  scores: Float32Array,
  rows: number,
  cols: number,
  ids: Int32Array,
  selfIds: Int32Array,
  outRows: Int32Array,
  topN: number,
  indices: Int32Array,
  values: Float32Array,
  sizes: Int32Array
): void {
  for (let r = 0; r < rows; r++) {
    const self = selfIds[r] as number
    const row = outRows[r] as number
    const out = row * topN
    let size = sizes[row] as number
    let floor = size === topN ? (values[out] as number) : -Infinity
    const base = r * cols
    for (let c = 0; c < cols; c++) {
      const s = scores[base + c] as number
      if (!(s > floor)) {
        continue
      }
      const id = ids[c] as number
      if (id === self) {
        continue
      }
      size = heapOffer(indices, values, out, size, topN, s, id)
      if (size === topN) {
        floor = values[out] as number
      }
    }
    sizes[row] = size
  }
}

/**
 * Turn the heaps of rows `rows` into lists sorted best first (ties: lower id first), -1 / 0 after
 * the last entry.
 */
export function sortHeapRows(
  rows: ArrayLike<number>,
  topN: number,
  indices: Int32Array,
  values: Float32Array,
  sizes: Int32Array
): void {
  const order = Array.from({ length: topN }, (_, i) => i)
  const id = new Int32Array(topN)
  const score = new Float32Array(topN)
  for (let k = 0; k < rows.length; k++) {
    const row = rows[k] as number
    const out = row * topN
    const size = sizes[row] as number
    const slots = order.slice(0, size)
    slots.sort((a, b) => {
      const d = (values[out + b] as number) - (values[out + a] as number)
      return d !== 0 ? d : (indices[out + a] as number) - (indices[out + b] as number)
    })
    for (let i = 0; i < size; i++) {
      id[i] = indices[out + (slots[i] as number)] as number
      score[i] = values[out + (slots[i] as number)] as number
    }
    indices.set(id.subarray(0, size), out)
    values.set(score.subarray(0, size), out)
    indices.fill(-1, out + size, out + topN)
    values.fill(0, out + size, out + topN)
  }
}

/**
 * Offer (score, id) to the min-heap of `size` entries at slots [out, out + topN) (root = worst);
 * the caller has checked that it beats the root when the heap is full. Returns the new size.
 */
export function heapOffer(
  indices: Int32Array,
  values: Float32Array,
  out: number,
  size: number,
  topN: number,
  score: number,
  id: number
): number {
  if (size < topN) {
    // Sift up from the new leaf.
    let i = size
    while (i > 0) {
      const parent = (i - 1) >> 1
      const ps = values[out + parent] as number
      if (!(score < ps)) {
        break
      }
      values[out + i] = ps
      indices[out + i] = indices[out + parent] as number
      i = parent
    }
    values[out + i] = score
    indices[out + i] = id
    return size + 1
  }
  // Replace the root and sift down.
  let i = 0
  for (;;) {
    const left = 2 * i + 1
    if (left >= topN) {
      break
    }
    const right = left + 1
    let child = left
    let cs = values[out + left] as number
    if (right < topN && (values[out + right] as number) < cs) {
      child = right
      cs = values[out + right] as number
    }
    if (!(cs < score)) {
      break
    }
    values[out + i] = cs
    indices[out + i] = indices[out + child] as number
    i = child
  }
  values[out + i] = score
  indices[out + i] = id
  return size
}
