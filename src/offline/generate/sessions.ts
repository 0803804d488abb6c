/**
 * @module
 * Engagement sessions: short bursts of closeups, clicks and saves that mostly stay in one of the
 * user's interests, laid out over the span with at least an hour between a user's sessions.
 */

import type { Random } from '../../core/random'
import type { PinSet } from './pins'
import { cumulative, geometric, pickCdf, roundRandom } from './sample'
import type { TopicSet } from './topics'
import type { Events, ResolvedOptions, Sessions } from './types'
import { pickInterest, relatedTopic, type UserSet } from './users'

/** Total events ≈ this × pins: ~150k events for the default 5,000 pins. */
const EVENTS_PER_PIN = 30
const MIN_LENGTH = 2
const MAX_LENGTH = 30
/** Chance per event that a session ends: lengths are 2 + geometric, mean ≈ 7.6. */
const STOP = 0.15
/** Chance per event of wandering off topic, and of coming back once away (≈ 14% off topic). */
const DRIFT = 0.08
const RETURN = 0.5
const MIN_GAP_SECONDS = 3600
const MIN_DWELL_SECONDS = 5
const MAX_DWELL_SECONDS = 180
/** closeup, click, save: the order of ACTIONS. */
const ACTION_CDF = cumulative([0.5, 0.3, 0.2])

export type SessionSet = { sessions: Sessions; events: Events }

function meanLength(): number {
  const q = 1 - STOP
  const extra = MAX_LENGTH - MIN_LENGTH
  return MIN_LENGTH + (q * (1 - q ** extra)) / (1 - q)
}

export function makeSessions(
  options: ResolvedOptions,
  topicSet: TopicSet,
  pinSet: PinSet,
  userSet: UserSet,
  random: Random
): SessionSet {
  const { users, activity } = userSet
  const { topicPins, sessionCdf } = pinSet
  const attractCdf = cumulative(topicSet.attract)
  const spanSeconds = options.weeks * 7 * 86400
  // The longest session plus its gap is under 3 h, so this many always fit in the span.
  const maxSessions = Math.max(1, Math.floor(spanSeconds / (3 * 3600)))
  const sessionTotal = (options.pins * EVENTS_PER_PIN) / meanLength()
  let activityTotal = 0
  for (const a of activity) {
    activityTotal += a
  }

  const evUser: number[] = []
  const evPin: number[] = []
  const evAction: number[] = []
  const evTime: number[] = []
  const evSession: number[] = []
  const sessionUser: number[] = []
  const sessionTopic: number[] = []

  users.forEach((user, u) => {
    const expected = (sessionTotal * activity[u]!) / activityTotal
    const count = Math.min(maxSessions, Math.max(1, roundRandom(expected, random)))
    const first = evPin.length
    const offsets: number[] = []
    const starts: number[] = []
    const durations: number[] = []
    for (let s = 0; s < count; s++) {
      const length = Math.min(MAX_LENGTH, MIN_LENGTH + geometric(STOP, random))
      const main = pickInterest(user, random)
      let current = main
      let previous = -1
      let t = 0
      starts.push(evPin.length)
      for (let e = 0; e < length; e++) {
        if (e > 0) {
          const r = random.next()
          // Squared so most dwell times are short, as when scrolling a feed.
          t += MIN_DWELL_SECONDS + Math.floor((MAX_DWELL_SECONDS - MIN_DWELL_SECONDS + 1) * r * r)
          if (current === main) {
            if (random.next() < DRIFT) {
              current = relatedTopic(main, topicSet, attractCdf, random)
            }
          } else if (random.next() < RETURN) {
            current = main
          }
        }
        const list = topicPins[current]!
        const cdf = sessionCdf[current]!
        let pin = list[pickCdf(cdf, random)]!
        if (pin === previous) {
          pin = list[pickCdf(cdf, random)]!
        }
        previous = pin
        evUser.push(u)
        evPin.push(pin)
        evAction.push(pickCdf(ACTION_CDF, random))
        evSession.push(sessionUser.length)
        offsets.push(t)
      }
      durations.push(t)
      sessionUser.push(u)
      sessionTopic.push(main)
    }
    // Spread the sessions: the slack left after durations and minimum gaps goes to random points.
    let busy = MIN_GAP_SECONDS * (count - 1)
    for (const d of durations) {
      busy += d
    }
    const slack = Math.max(0, spanSeconds - busy)
    const shifts = durations.map(() => Math.floor(random.next() * slack)).sort((a, b) => a - b)
    let cursor = 0
    for (let s = 0; s < count; s++) {
      const startSeconds = shifts[s]! + cursor
      const from = starts[s]!
      const to = s + 1 < count ? starts[s + 1]! : evPin.length
      for (let i = from; i < to; i++) {
        evTime.push(options.start + (startSeconds + offsets[i - first]!) * 1000)
      }
      cursor += durations[s]! + MIN_GAP_SECONDS
    }
  })

  const n = evPin.length
  const order = Uint32Array.from({ length: n }, (_, i) => i)
  order.sort((a, b) => evTime[a]! - evTime[b]! || a - b)
  const events: Events = {
    length: n,
    user: new Int32Array(n),
    pin: new Int32Array(n),
    action: new Uint8Array(n),
    timestamp: new Float64Array(n),
    session: new Int32Array(n),
  }
  order.forEach((from, to) => {
    events.user[to] = evUser[from]!
    events.pin[to] = evPin[from]!
    events.action[to] = evAction[from]!
    events.timestamp[to] = evTime[from]!
    events.session[to] = evSession[from]!
  })
  const sessions: Sessions = {
    length: sessionUser.length,
    user: Int32Array.from(sessionUser),
    topic: Int32Array.from(sessionTopic),
  }
  return { sessions, events }
}
