/**
 * @module
 * Pin titles: readable, mostly unique, and a few with commas, quotes and ampersands so the CSV
 * writer and every reader must handle RFC 4180 quoting.
 */

import type { Random } from '../../core/random'
import { pickOne } from './sample'
import type { Topic } from './types'
import type { Theme } from './words'

const COUNTS = [5, 7, 10, 12, 15, 20, 25, 30]

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function draft(theme: Theme, topic: Topic, random: Random): string {
  const adj = pickOne(theme.adjectives, random)
  const noun = pickOne(theme.nouns, random)
  const detail = pickOne(theme.details, random)
  const roll = random.next()
  if (roll < 0.4) {
    return capitalize(`${adj} ${noun} ${detail}`)
  }
  if (roll < 0.6) {
    return `${topic.modifier} ${noun} ${detail}`
  }
  if (roll < 0.72) {
    return `${pickOne(COUNTS, random)} ${adj} ${noun} ideas ${detail}`
  }
  if (roll < 0.8) {
    return `${topic.modifier} ${topic.subject}: ${adj} ${noun} ${detail}`
  }
  if (roll < 0.86) {
    return capitalize(`${adj} ${noun} & ${pickOne(theme.nouns, random)}`)
  }
  if (roll < 0.92) {
    return capitalize(`${adj}, ${pickOne(theme.adjectives, random)} ${noun} ${detail}`)
  }
  if (roll < 0.95) {
    return `The "${adj}" ${noun} everyone is saving`
  }
  return `My favorite ${adj} ${noun} ${detail}`
}

/** A title not yet in `taken` when a few tries find one; real boards have duplicates too. */
export function makeTitle(theme: Theme, topic: Topic, random: Random, taken: Set<string>): string {
  let title = draft(theme, topic, random)
  for (let attempt = 0; attempt < 4 && taken.has(title); attempt++) {
    title = draft(theme, topic, random)
  }
  taken.add(title)
  return title
}
