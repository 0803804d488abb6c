/**
 * @module
 * Per-feature standardisation of a linear model's inputs, as the served model applies it:
 * (x − mean) / scale, with mean and scale from the training rows. Both objectives of the blend and
 * the session model's fits compute it here.
 */

/** Per-feature standardisation, as the served model applies it: (x − mean) / scale. */
export type Standardisation = { mean: readonly number[]; scale: readonly number[] }

/** Mean and standard deviation of each of `features` columns of `rows` rows (scale 1 when constant). */
export function standardisation(
  x: Float32Array,
  rows: number,
  features: number
): { mean: number[]; scale: number[] } {
  const mean = new Array<number>(features).fill(0)
  const scale = new Array<number>(features).fill(0)
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < features; f++) {
      mean[f]! += x[i * features + f]! / rows
    }
  }
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < features; f++) {
      scale[f]! += (x[i * features + f]! - mean[f]!) ** 2 / rows
    }
  }
  for (let f = 0; f < features; f++) {
    // A constant feature gets scale 1 so standardisation never divides by zero.
    scale[f] = Math.sqrt(scale[f]!) || 1
  }
  return { mean, scale }
}
