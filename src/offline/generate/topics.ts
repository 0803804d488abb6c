/**
 * @module
 * Topics: readable names from a theme's modifier × subject pairs, plus how popular each topic is.
 */

import { type Random, shuffleInPlace } from '../../core/random'
import { zipfWeights } from './sample'
import type { Topic } from './types'
import { THEMES } from './words'

const ROMAN = ['II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X']

export type TopicSet = {
  topics: Topic[]
  /** Topic ids grouped by theme: a topic's relatives are the others in its theme. */
  byTheme: number[][]
  themeOf: Int32Array
  /** Relative popularity (Zipf over a random topic order): where sessions and interests go. */
  attract: Float64Array
}

export function makeTopics(count: number, random: Random): TopicSet {
  // Themes take turns in a shuffled order, so small worlds still span many themes.
  const themeOrder = THEMES.map((_, i) => i)
  shuffleInPlace(themeOrder, random)
  const pairs = THEMES.map((theme) => {
    const all: [string, string][] = []
    for (const modifier of theme.modifiers) {
      for (const subject of theme.subjects) {
        all.push([modifier, subject])
      }
    }
    shuffleInPlace(all, random)
    return all
  })
  const used = THEMES.map(() => 0)
  const topics: Topic[] = []
  const byTheme: number[][] = THEMES.map(() => [])
  const themeOf = new Int32Array(count)
  for (let id = 0; id < count; id++) {
    const themeIndex = themeOrder[id % themeOrder.length] as number
    const theme = THEMES[themeIndex]!
    const themePairs = pairs[themeIndex]!
    const n = used[themeIndex]!
    used[themeIndex] = n + 1
    const [modifier, subject] = themePairs[n % themePairs.length]!
    // Only huge custom topic counts run out of pairs; a suffix keeps names unique.
    const round = Math.floor(n / themePairs.length)
    const suffix = round === 0 ? '' : ` ${ROMAN[(round - 1) % ROMAN.length]}`
    const name = `${modifier} ${subject}${suffix}`
    topics.push({ id, name, theme: theme.name, modifier, subject })
    byTheme[themeIndex]!.push(id)
    themeOf[id] = themeIndex
  }
  const ranks = topics.map((t) => t.id)
  shuffleInPlace(ranks, random)
  const zipf = zipfWeights(count, 0.8)
  const attract = new Float64Array(count)
  ranks.forEach((topic, rank) => {
    attract[topic] = zipf[rank] as number
  })
  return { topics, byTheme, themeOf, attract }
}
