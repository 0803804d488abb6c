/**
 * @module
 * Boards: mostly small single-topic boards made by users from their interests, plus huge
 * catch-all boards ("Stuff") and spam boards whose co-occurrences carry no topical signal.
 */

import { type Random, shuffleInPlace } from '../../core/random'
import type { PinSet } from './pins'
import { cumulative, geometric, pickCdf, pickOne, uniqueHexId } from './sample'
import type { TopicSet } from './topics'
import type { Board, BoardKind, ResolvedOptions } from './types'
import { pickInterest, relatedTopic, type UserSet } from './users'
import { CATCHALL_NAMES, SPAM_NAMES } from './words'

/** Total memberships ≈ this × pins: ~50k for the default 5,000 pins. */
const MEMBERSHIPS_PER_PIN = 10
const MIN_BOARD = 3
const MAX_BOARD = 60
/** Per-pin chance a topic board stops growing: sizes are 3 + geometric, mean ≈ 12. */
const BOARD_STOP = 0.1
/** Share of topic-board picks that walk the topic's long tail instead of following popularity. */
const TAIL_SHARE = 0.45
const OFF_TOPIC_SHARE = 0.04
/** Share of topic boards about something outside the owner's session interests. */
const SIDE_INTEREST_SHARE = 0.3

type Draft = {
  name: string
  kind: BoardKind
  owner: number
  topic: number
  createdAt: number
  pins: number[]
}

function fill(draw: () => number, size: number): number[] {
  const chosen = new Set<number>()
  for (let attempt = 0; chosen.size < size && attempt < size * 4; attempt++) {
    chosen.add(draw())
  }
  return [...chosen]
}

export function makeBoards(
  options: ResolvedOptions,
  topicSet: TopicSet,
  pinSet: PinSet,
  userSet: UserSet,
  random: Random,
  taken: Set<string>
): Board[] {
  const pinCount = options.pins
  const spanMs = options.weeks * 7 * 86400_000
  const { topicPins, boardCdf, popularityCdf } = pinSet
  const attractCdf = cumulative(topicSet.attract)
  // Side-interest boards pick topics by size, so unpopular topics still get boards.
  const sizeCdf = cumulative(topicPins.map((list) => list.length))
  const activityCdf = cumulative(userSet.activity)
  const drafts: Draft[] = []
  let memberships = 0
  // Whole seconds, like the events.
  const at = (fraction: number): number =>
    options.start + Math.floor((fraction * spanMs) / 1000) * 1000

  const catchalls = Math.max(2, Math.round(pinCount / 800))
  for (let b = 0; b < catchalls; b++) {
    const size = Math.min(500 + random.int(1501), Math.floor(pinCount * 0.5))
    // Half by overall popularity, half anything at all: many topics, little structure.
    const draw = (): number =>
      random.next() < 0.5 ? pickCdf(popularityCdf, random) : random.int(pinCount)
    const pins = fill(draw, size)
    const owner = pickCdf(activityCdf, random)
    const name = pickOne(CATCHALL_NAMES, random)
    const createdAt = at(random.next() * 0.2)
    drafts.push({ name, kind: 'catchall', owner, topic: -1, createdAt, pins })
    memberships += pins.length
  }

  const spam = Math.max(1, Math.round(pinCount / 2500))
  for (let b = 0; b < spam; b++) {
    const size = Math.min(200 + random.int(601), Math.floor(pinCount * 0.4))
    const pins = fill(() => random.int(pinCount), size)
    const owner = random.int(userSet.users.length)
    const name = pickOne(SPAM_NAMES, random)
    drafts.push({ name, kind: 'spam', owner, topic: -1, createdAt: at(random.next() * 0.9), pins })
    memberships += pins.length
  }

  // A shuffled cursor per topic: tail picks walk it, so every pin of a topic gets its turn.
  const tails = topicPins.map((list) => {
    const copy = Array.from(list)
    shuffleInPlace(copy, random)
    return { order: copy, next: 0 }
  })
  const target = pinCount * MEMBERSHIPS_PER_PIN
  while (memberships < target) {
    const owner = pickCdf(activityCdf, random)
    const user = userSet.users[owner]!
    const topic =
      random.next() < SIDE_INTEREST_SHARE ? pickCdf(sizeCdf, random) : pickInterest(user, random)
    const list = topicPins[topic]!
    const cdf = boardCdf[topic]!
    const tail = tails[topic]!
    const size = Math.min(MAX_BOARD, MIN_BOARD + geometric(BOARD_STOP, random), list.length)
    const pins = fill(() => {
      const r = random.next()
      if (r < OFF_TOPIC_SHARE) {
        const other = relatedTopic(topic, topicSet, attractCdf, random)
        return topicPins[other]![pickCdf(boardCdf[other]!, random)]!
      }
      if (r < OFF_TOPIC_SHARE + TAIL_SHARE) {
        const pin = tail.order[tail.next % tail.order.length]!
        tail.next++
        return pin
      }
      return list[pickCdf(cdf, random)]!
    }, size)
    const t = topicSet.topics[topic]!
    const subject = t.subject.toLowerCase()
    const name = pickOne(
      [t.name, t.subject, `${t.modifier} ${subject}`, `${t.subject} ideas`, `my ${subject}`],
      random
    )
    drafts.push({ name, kind: 'topic', owner, topic, createdAt: at(random.next() * 0.95), pins })
    memberships += pins.length
  }

  const boards = drafts.map((draft): Board => {
    const id = uniqueHexId('b', 10, random, taken)
    const end = options.start + spanMs
    // Pins arrive front-loaded after creation; spam boards fill in one burst of minutes.
    const window = draft.kind === 'spam' ? 30 * 60_000 : end - draft.createdAt
    const addedAt = draft.pins.map((_, i) => {
      if (i === 0) {
        return draft.createdAt
      }
      const r = random.next()
      return Math.min(end, draft.createdAt + Math.floor((r * r * window) / 1000) * 1000)
    })
    addedAt.sort((a, b) => a - b)
    return {
      id,
      name: draft.name,
      kind: draft.kind,
      owner: draft.owner,
      topic: draft.topic,
      createdAt: draft.createdAt,
      pins: Int32Array.from(draft.pins),
      addedAt: Float64Array.from(addedAt),
    }
  })
  // Oldest first; the sort is stable, so equal times keep their generation order.
  boards.sort((a, b) => a.createdAt - b.createdAt)
  return boards
}
