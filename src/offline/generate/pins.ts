/**
 * @module
 * Pins: topic membership, Zipf popularity within each topic, titles, ids, images and links.
 */

import { type Random, shuffleInPlace } from '../../core/random'
import { cumulative, logNormal, pickCdf, uniqueHexId, zipfWeights } from './sample'
import { makeTitle } from './titles'
import type { TopicSet } from './topics'
import type { Pin } from './types'
import { THEMES } from './words'

/** Pinterest's 236 px grid width with a few masonry heights. */
const IMAGE_HEIGHTS = [236, 300, 354, 420]
/** Engagement within a topic: Zipf with exponent 1 over the topic's pins. */
const SESSION_EXPONENT = 1.0
/** Boards lean on popularity less than sessions do, so the long tail shows up on them. */
const BOARD_EXPONENT = 0.6
const MIN_PINS_PER_TOPIC = 3

export type PinSet = {
  pins: Pin[]
  /** Per topic, its pin indices from most to least popular. */
  topicPins: Int32Array[]
  /** Per topic, cumulative session weights aligned with `topicPins`. */
  sessionCdf: Float64Array[]
  /** Per topic, cumulative (flatter) board weights aligned with `topicPins`. */
  boardCdf: Float64Array[]
  /** Each pin's expected share of all engagement. */
  popularity: Float64Array
  popularityCdf: Float64Array
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60)
}

function assignTopics(pinCount: number, topicCount: number, random: Random): Int32Array {
  // A few pins per topic first so no topic is empty, then the rest by log-normal topic sizes.
  const sizeCdf = cumulative(Array.from({ length: topicCount }, () => logNormal(0.6, random)))
  const topicOf = new Int32Array(pinCount)
  const floor = Math.min(pinCount, topicCount * MIN_PINS_PER_TOPIC)
  for (let i = 0; i < pinCount; i++) {
    topicOf[i] = i < floor ? i % topicCount : pickCdf(sizeCdf, random)
  }
  shuffleInPlace(topicOf, random)
  return topicOf
}

export function makePins(
  pinCount: number,
  topicSet: TopicSet,
  random: Random,
  taken: Set<string>
): PinSet {
  const { topics, themeOf, attract } = topicSet
  const topicOf = assignTopics(pinCount, topics.length, random)
  const titles = new Set<string>()
  const pins: Pin[] = []
  for (let i = 0; i < pinCount; i++) {
    const topic = topicOf[i]!
    const theme = THEMES[themeOf[topic]!]!
    const id = uniqueHexId('', 12, random, taken)
    const title = makeTitle(theme, topics[topic]!, random, titles)
    const height = IMAGE_HEIGHTS[random.int(IMAGE_HEIGHTS.length)]!
    const imageUrl = random.next() < 0.85 ? `https://picsum.photos/seed/${id}/236/${height}` : ''
    const link =
      random.next() < 0.65 ? `https://${theme.site}/${slug(title)}-${id.slice(0, 6)}` : ''
    pins.push({ id, title, imageUrl, link, topic })
  }

  const members: number[][] = topics.map(() => [])
  topicOf.forEach((topic, pin) => {
    members[topic]!.push(pin)
  })
  const topicPins: Int32Array[] = []
  const sessionCdf: Float64Array[] = []
  const boardCdf: Float64Array[] = []
  const popularity = new Float64Array(pinCount)
  let attractTotal = 0
  for (const a of attract) {
    attractTotal += a
  }
  members.forEach((list, topic) => {
    // The within-topic rank is random, so popularity is unrelated to id or title.
    shuffleInPlace(list, random)
    const sessionWeights = zipfWeights(list.length, SESSION_EXPONENT)
    const cdf = cumulative(sessionWeights)
    const total = cdf[cdf.length - 1] ?? 1
    const share = (attract[topic] ?? 0) / attractTotal
    list.forEach((pin, rank) => {
      popularity[pin] = (share * (sessionWeights[rank] ?? 0)) / total
    })
    topicPins.push(Int32Array.from(list))
    sessionCdf.push(cdf)
    boardCdf.push(cumulative(zipfWeights(list.length, BOARD_EXPONENT)))
  })
  const popularityCdf = cumulative(popularity)
  return { pins, topicPins, sessionCdf, boardCdf, popularity, popularityCdf }
}
