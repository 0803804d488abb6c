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
  /**
   * Serve the Pin2Vec model the fit trained (before the cut) instead of training it again on all
   * events. Off: it cost 2.6% relative served recall@20 on online-retail (34.85 → 33.94).
   */
  reusePin2Vec: boolean
}

export const DEFAULT_HOLDOUT_OPTIONS: HoldoutStageOptions = {
  holdout: 0.1,
  maxQueries: 20_000,
  tuneStep: 0.1,
  reusePin2Vec: false,
}
