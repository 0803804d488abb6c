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
   * What the served Pin2Vec is, given the model the fit trained on the events before the cut:
   * - 'continue' (default): that model, trained on for `epochs` more passes over the sessions that
   *   end after the cut. Pin2Vec is trained once, on every event.
   * - 'retrain': a second model trained from scratch on all events (twice the training time).
   * - 'reuse': that model as it is (pins first engaged after the cut get no embedding; cost 2.6%
   *   relative served recall@20 on online-retail, 34.85 → 33.94).
   */
  pin2vec: HoldoutPin2Vec
  /**
   * The learned model's objective (fit-model.ts): 'listwise', a softmax over each query's
   * candidates; 'pointwise', logistic regression on each target and 10 sampled negatives; 'auto'
   * (default), both, keeping the one that ranks the held-out check part better.
   */
  loss: BlendLoss
}

export const BLEND_LOSSES = ['auto', 'listwise', 'pointwise'] as const
export type BlendLoss = (typeof BLEND_LOSSES)[number]
export type FittedLoss = Exclude<BlendLoss, 'auto'>

/** The objectives a fit with `loss` tries, in order of preference on a tie. */
export const lossesOf = (loss: BlendLoss): FittedLoss[] =>
  loss === 'auto' ? ['listwise', 'pointwise'] : [loss]

/** The fit with the highest check score; of equals, the first (lossesOf's order) wins. */
export function bestFit<T>(fits: readonly T[], check: (fit: T) => number): T {
  return fits.reduce((a, b) => (check(b) > check(a) ? b : a))
}

export const HOLDOUT_PIN2VEC_MODES = ['continue', 'retrain', 'reuse'] as const
export type HoldoutPin2Vec = (typeof HOLDOUT_PIN2VEC_MODES)[number]

export const DEFAULT_HOLDOUT_OPTIONS: HoldoutStageOptions = {
  holdout: 0.1,
  maxQueries: 20_000,
  tuneStep: 0.1,
  pin2vec: 'continue',
  loss: 'auto',
}
