/**
 * @module
 * Compressed sparse rows, the layout of every pin ↔ board and pin ↔ session table in the build:
 * row r holds entries offsets[r] .. offsets[r + 1] of a flat array. Building one is a counting
 * sort: count the entries per row, take prefix sums, then drop each entry at its row's cursor.
 */

/** Row offsets (length rowCount + 1) for entries whose rows are `rows` (each in [0, rowCount)). */
export function csrOffsets(rows: Iterable<number>, rowCount: number): Int32Array {
  const offsets = new Int32Array(rowCount + 1)
  for (const r of rows) {
    offsets[r + 1]!++
  }
  for (let r = 0; r < rowCount; r++) {
    offsets[r + 1]! += offsets[r]!
  }
  return offsets
}

/** The next free slot of each row: `cursor[r]++` places an entry of row r, in arrival order. */
export const rowCursors = (offsets: Int32Array): Int32Array => offsets.slice(0, offsets.length - 1)
