/**
 * @module
 * Options of the build's own blend fit: how much of the events is held out, how many of its
 * queries are used, and the grid step of the weight search.
 */

export type HoldoutStageOptions = {
  /** Share of the events' time span, at the end, held out to fit the blend (0 = default blend). */
  holdout: number
  /** Cap on held-out queries used to fit the blend (evenly spaced sample); 0 = all. */
  maxQueries: number
  /** Grid step of the blend weight search. */
  tuneStep: number
}

export const DEFAULT_HOLDOUT_OPTIONS: HoldoutStageOptions = {
  holdout: 0.1,
  maxQueries: 20_000,
  tuneStep: 0.1,
}
