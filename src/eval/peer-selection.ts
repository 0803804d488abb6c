/**
 * @module
 * Chooses each peer's setting on the validation slice: peers learn from the sessions before the
 * validation cut and are scored (HR@20, served rules) on the validation sessions' task, the one
 * they are compared on (item peers: one pin; session peers: session). Ties keep the first setting.
 */

import type { Logger } from '../offline/log'
import type { Sessions } from '../offline/sessions/sessionize'
import { PEERS, type PeerSpec } from './peers/registry'
import { indexSessions, type TrainingSessions } from './peers/training-sessions'
import { servedAnswer } from './score-task'
import { queryOf, type SessionQueries } from './session-task'

export type PeerChoice = {
  setting: Record<string, number>
  /** HR@20 of every setting tried, in the order of PeerSpec.settings. */
  validationHr20: number[]
}

function hr20(
  spec: PeerSpec,
  t: TrainingSessions,
  setting: Record<string, number>,
  queries: SessionQueries,
  popular: Int32Array,
  onQuery?: () => void
): number {
  const ranker = spec.make(t, setting)
  const task = spec.kind === 'item' ? 'one-pin' : 'session'
  let hits = 0
  for (let i = 0; i < queries.query.length; i++) {
    const { query, skip } = queryOf(queries, i, task)
    const { list } = servedAnswer(ranker(query, 20, skip), skip, popular, 20)
    hits += list.includes(queries.target[i]!) ? 1 : 0
    onQuery?.()
  }
  return queries.query.length > 0 ? hits / queries.query.length : 0
}

export function choosePeerSettings(
  training: Sessions,
  pinCount: number,
  validation: SessionQueries,
  popular: Int32Array,
  peers: readonly PeerSpec[] = PEERS,
  log?: Logger
): Record<string, PeerChoice> {
  const t = indexSessions(training, pinCount)
  const out: Record<string, PeerChoice> = {}
  const tried = peers.filter((spec) => spec.settings.length > 1)
  const progress = log?.counter('eval', 'peer settings', {
    total: tried.reduce((a, spec) => a + spec.settings.length, 0) * validation.query.length,
    unit: 'query runs',
  })
  for (const spec of peers) {
    const scores =
      spec.settings.length > 1
        ? spec.settings.map((s) => hr20(spec, t, s, validation, popular, () => progress?.add()))
        : [Number.NaN]
    let best = 0
    scores.forEach((s, i) => {
      if (s > scores[best]!) {
        best = i
      }
    })
    out[spec.name] = { setting: spec.settings[best]!, validationHr20: scores }
  }
  progress?.end(`${tried.length} peers with settings to choose`)
  return out
}
