/**
 * @module
 * Item-to-item peers, written from their published descriptions and learned from the training
 * sessions only:
 * - SAR (Microsoft Recommenders): Jaccard of session sets, c(i, j) / (n(i) + n(j) − c(i, j)).
 * - AR, association rules of size two (Ludewig & Jannach 2018, "AR"): how many sessions hold
 *   both pins, unnormalised.
 * - SR, sequential rules (ibid., "SR"): a rule i → j for every j engaged after i within `steps`
 *   positions of the same session, weighted 1 / distance.
 * - item-kNN (ibid., "IKNN"; Hidasi et al. 2016): cosine of session sets with a shrinkage term,
 *   c(i, j) / (n(i)^α · n(j)^(1−α) + λ).
 * Here c(i, j) counts sessions holding both pins and n(i) sessions holding i.
 */

import { add, itemToItem, type QueryRanker } from './peer'
import {
  distinctPins,
  sessionPins,
  sessionsOf,
  support,
  type TrainingSessions,
} from './training-sessions'

/** c(pin, j) for every j sharing a session with `pin`. */
function coCounts(t: TrainingSessions, pin: number): Map<number, number> {
  const counts = new Map<number, number>()
  for (const s of sessionsOf(t, pin)) {
    for (const j of distinctPins(t, s)) {
      if (j !== pin) {
        add(counts, j, 1)
      }
    }
  }
  return counts
}

export function sarPeer(t: TrainingSessions): QueryRanker {
  return itemToItem((pin) => {
    const counts = coCounts(t, pin)
    const ni = support(t, pin)
    for (const [j, c] of counts) {
      counts.set(j, c / (ni + support(t, j) - c))
    }
    return counts
  })
}

export function arPeer(t: TrainingSessions): QueryRanker {
  return itemToItem((pin) => coCounts(t, pin))
}

export type SrOptions = { steps: number }
export const SR_DEFAULTS: SrOptions = { steps: 10 }

export function srPeer(t: TrainingSessions, options: SrOptions = SR_DEFAULTS): QueryRanker {
  return itemToItem((pin) => {
    const rules = new Map<number, number>()
    for (const s of sessionsOf(t, pin)) {
      const seq = sessionPins(t, s)
      for (let p = 0; p < seq.length; p++) {
        if (seq[p] !== pin) {
          continue
        }
        for (let d = 1; d <= options.steps && p + d < seq.length; d++) {
          const j = seq[p + d]!
          if (j !== pin) {
            add(rules, j, 1 / d)
          }
        }
      }
    }
    return rules
  })
}

export type ItemKnnOptions = { alpha: number; lambda: number }
export const ITEM_KNN_DEFAULTS: ItemKnnOptions = { alpha: 0.5, lambda: 20 }

export function itemKnnPeer(
  t: TrainingSessions,
  options: ItemKnnOptions = ITEM_KNN_DEFAULTS
): QueryRanker {
  return itemToItem((pin) => {
    const counts = coCounts(t, pin)
    const ni = support(t, pin) ** options.alpha
    for (const [j, c] of counts) {
      counts.set(j, c / (ni * support(t, j) ** (1 - options.alpha) + options.lambda))
    }
    return counts
  })
}
