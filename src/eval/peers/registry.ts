/**
 * @module
 * Every peer with the settings tried for it. Each peer's setting is chosen on the validation
 * slice (trained before the validation cut, scored on HR@20 of the validation sessions' task),
 * never on the test slice, exactly as the blend is: the peers get the same chance to be tuned.
 */

import {
  arPeer,
  ITEM_KNN_DEFAULTS,
  type ItemKnnOptions,
  itemKnnPeer,
  SR_DEFAULTS,
  type SrOptions,
  sarPeer,
  srPeer,
} from './item-peers'
import type { QueryRanker } from './peer'
import {
  SKNN_DEFAULTS,
  type SknnOptions,
  STAN_DEFAULTS,
  type StanOptions,
  sknnPeer,
  stanPeer,
  VSKNN_DEFAULTS,
  type VsknnOptions,
  vsknnPeer,
} from './session-peers'
import type { TrainingSessions } from './training-sessions'

/** item: looks at the current pin only; session: at the current pin and its context. */
export type PeerKind = 'item' | 'session'

export type PeerSpec = {
  name: string
  kind: PeerKind
  /** Settings tried on the validation slice; the first is the paper's default. */
  settings: Record<string, number>[]
  make(t: TrainingSessions, setting: Record<string, number>): QueryRanker
}

const DAY = 86_400_000

export const PEERS: readonly PeerSpec[] = [
  { name: 'sar', kind: 'item', settings: [{}], make: (t) => sarPeer(t) },
  { name: 'ar', kind: 'item', settings: [{}], make: (t) => arPeer(t) },
  {
    name: 'sr',
    kind: 'item',
    settings: [SR_DEFAULTS, { steps: 3 }, { steps: 1 }],
    make: (t, s) => srPeer(t, s as SrOptions),
  },
  {
    name: 'item-knn',
    kind: 'item',
    settings: [ITEM_KNN_DEFAULTS, { alpha: 0.5, lambda: 0 }, { alpha: 0.5, lambda: 100 }],
    make: (t, s) => itemKnnPeer(t, s as ItemKnnOptions),
  },
  {
    name: 'sknn',
    kind: 'session',
    settings: [SKNN_DEFAULTS, { k: 200, sample: 1000 }, { k: 50, sample: 500 }],
    make: (t, s) => sknnPeer(t, s as SknnOptions),
  },
  {
    name: 'v-sknn',
    kind: 'session',
    settings: [
      VSKNN_DEFAULTS,
      { ...VSKNN_DEFAULTS, idf: 1 },
      { k: 200, sample: 1000, idf: 0 },
      { k: 200, sample: 1000, idf: 1 },
    ],
    make: (t, s) => vsknnPeer(t, s as VsknnOptions),
  },
  {
    name: 'stan',
    kind: 'session',
    settings: [
      STAN_DEFAULTS,
      { ...STAN_DEFAULTS, lambda1: 1 },
      { ...STAN_DEFAULTS, lambda1: 5 },
      { ...STAN_DEFAULTS, lambda3: 1 },
      { ...STAN_DEFAULTS, lambda3: 5 },
      { ...STAN_DEFAULTS, lambda2: 7 * DAY },
      { ...STAN_DEFAULTS, k: 200, sample: 1000 },
    ],
    make: (t, s) => stanPeer(t, s as StanOptions),
  },
]

export const ITEM_PEERS = PEERS.filter((p) => p.kind === 'item').map((p) => p.name)
export const SESSION_PEERS = PEERS.filter((p) => p.kind === 'session').map((p) => p.name)
