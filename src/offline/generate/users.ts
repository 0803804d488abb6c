/**
 * @module
 * Users: 1-4 interest topics (popular topics attract more people; later interests tend to sit
 * in the same theme as the first) and a heavy-tailed activity level.
 */

import type { Random } from '../../core/random'
import { cumulative, logNormal, pickCdf, pickOne, uniqueHexId } from './sample'
import type { TopicSet } from './topics'
import type { User } from './types'

/** How many interests a user has: P(1..4). */
const INTEREST_COUNTS = cumulative([0.35, 0.3, 0.2, 0.15])
/** How strongly a user prefers their first, second, ... interest. */
export const INTEREST_WEIGHTS = [1, 0.6, 0.4, 0.3]

export type UserSet = {
  users: User[]
  /** Relative activity: sessions and boards are handed out in proportion to it. */
  activity: Float64Array
}

/** A topic near `topic`: another topic of its theme when there is one, else any popular topic. */
export function relatedTopic(
  topic: number,
  topicSet: TopicSet,
  attractCdf: Float64Array,
  random: Random
): number {
  const siblings = topicSet.byTheme[topicSet.themeOf[topic]!]!
  if (siblings.length > 1 && random.next() < 0.6) {
    const other = pickOne(siblings, random)
    if (other !== topic) {
      return other
    }
  }
  return pickCdf(attractCdf, random)
}

export function makeUsers(
  count: number,
  topicSet: TopicSet,
  random: Random,
  taken: Set<string>
): UserSet {
  const attractCdf = cumulative(topicSet.attract)
  const users: User[] = []
  const activity = new Float64Array(count)
  for (let u = 0; u < count; u++) {
    const id = uniqueHexId('u', 10, random, taken)
    const wanted = pickCdf(INTEREST_COUNTS, random) + 1
    const first = pickCdf(attractCdf, random)
    const interests = [first]
    for (let attempt = 0; interests.length < wanted && attempt < 12; attempt++) {
      const next = relatedTopic(first, topicSet, attractCdf, random)
      if (!interests.includes(next)) {
        interests.push(next)
      }
    }
    users.push({ id, interests })
    activity[u] = logNormal(1.0, random)
  }
  return { users, activity }
}

/** One of the user's interests, favouring the first. */
export function pickInterest(user: User, random: Random): number {
  let total = 0
  for (let i = 0; i < user.interests.length; i++) {
    total += INTEREST_WEIGHTS[i] ?? 0
  }
  let target = random.next() * total
  for (let i = 0; i < user.interests.length; i++) {
    target -= INTEREST_WEIGHTS[i] ?? 0
    if (target < 0) {
      return user.interests[i]!
    }
  }
  return user.interests[0]!
}
