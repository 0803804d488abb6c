/**
 * @module
 * Default blend parameters, used until a build or evaluation tunes them on held-out sessions.
 */

import type { BlendParams, SourceWeights } from './artifact/format'

const weights = (w: Partial<SourceWeights>): SourceWeights => ({
  cooc: 0,
  pin2vec: 0,
  session: 0,
  walk: 0,
  ...w,
})

/** Long-tail pins lean on board co-occurrence; popular pins on Pin2Vec. */
export const DEFAULT_BLEND: BlendParams = {
  buckets: { tailMax: 3, torsoMax: 20 },
  weights: {
    tail: weights({ cooc: 0.7, pin2vec: 0.3, session: 0.5, walk: 0.2 }),
    torso: weights({ cooc: 0.5, pin2vec: 0.5, session: 0.5, walk: 0.1 }),
    head: weights({ cooc: 0.3, pin2vec: 0.7, session: 0.5, walk: 0.05 }),
  },
  model: null,
  origin: 'default',
}
