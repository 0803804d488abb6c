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
    let size = 0
    let floor = -Infinity
    const out = (outRows[r] as number) * topN
    if (merge) {
      while (size < topN && (indices[out + size] as number) >= 0) {
        bestScore[size] = values[out + size] as number
        bestId[size] = indices[out + size] as number
        size++
      }
      if (size === topN) {
        floor = bestScore[topN - 1] as number
      }
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
    for (let i = 0; i < size; i++) {
      indices[out + i] = bestId[i] as number
      values[out + i] = bestScore[i] as number
    }
  }
}
