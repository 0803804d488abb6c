/**
 * @module
 * generateWorld: a deterministic synthetic Pinterest (topics, pins, users, boards, sessions) with
 * known ground truth, for building and evaluating related pins without real data.
 */

import { BuildError } from '../errors'
import { makeBoards } from './boards'
import { makePins } from './pins'
import { streamOf } from './sample'
import { makeSessions } from './sessions'
import { makeTopics } from './topics'
import {
  ACTIONS,
  type GenerateOptions,
  type ResolvedOptions,
  type World,
  type WorldCounts,
} from './types'
import { makeUsers } from './users'

export const DEFAULT_START = Date.UTC(2026, 0, 5)

function positiveInteger(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new BuildError('generate', `option ${name} must be an integer >= ${min}, got ${value}`)
  }
  return value
}

export function resolveOptions(options?: GenerateOptions): ResolvedOptions {
  const pins = positiveInteger('pins', options?.pins ?? 5000, 24)
  const seed = options?.seed ?? 42
  if (!Number.isInteger(seed)) {
    throw new BuildError('generate', `option seed must be an integer, got ${seed}`)
  }
  const defaultTopics = Math.min(400, Math.max(8, Math.round(pins / 100)))
  const topics = positiveInteger('topics', options?.topics ?? defaultTopics, 1)
  // Fewer than ~3 pins per topic leaves nothing to recommend within a topic.
  if (topics * 3 > pins) {
    throw new BuildError(
      'generate',
      `option topics=${topics} needs at least ${topics * 3} pins, got ${pins}`
    )
  }
  const users = positiveInteger('users', options?.users ?? Math.round(pins * 0.6), 1)
  const weeks = positiveInteger('weeks', options?.weeks ?? 6, 1)
  const start = options?.start ?? DEFAULT_START
  if (!Number.isFinite(start)) {
    throw new BuildError('generate', `option start must be a Unix time in ms, got ${start}`)
  }
  return { pins, seed, topics, users, weeks, start }
}

/**
 * Generate the world in memory. The same options always give the same world.
 *
 * @example
 * const world = generateWorld({ pins: 800, seed: 7 })
 * await writeWorld(world, 'data/synthetic')
 */
export function generateWorld(options?: GenerateOptions): World {
  const resolved = resolveOptions(options)
  const { seed } = resolved
  const ids = new Set<string>()
  const topicSet = makeTopics(resolved.topics, streamOf(seed, 1))
  const pinSet = makePins(resolved.pins, topicSet, streamOf(seed, 2), ids)
  const userSet = makeUsers(resolved.users, topicSet, streamOf(seed, 3), ids)
  const { sessions, events } = makeSessions(resolved, topicSet, pinSet, userSet, streamOf(seed, 4))
  const boards = makeBoards(resolved, topicSet, pinSet, userSet, streamOf(seed, 5), ids)

  const onBoard = new Uint8Array(resolved.pins)
  let memberships = 0
  for (const board of boards) {
    memberships += board.pins.length
    for (const pin of board.pins) {
      onBoard[pin] = 1
    }
  }
  const engaged = new Uint8Array(resolved.pins)
  const actions = { closeup: 0, click: 0, save: 0 }
  for (let i = 0; i < events.length; i++) {
    engaged[events.pin[i]!] = 1
    actions[ACTIONS[events.action[i]!]!]++
  }
  const sum = (flags: Uint8Array): number => flags.reduce((a, b) => a + b, 0)
  const kinds = (kind: string): number => boards.filter((b) => b.kind === kind).length
  const counts: WorldCounts = {
    topics: topicSet.topics.length,
    pins: pinSet.pins.length,
    users: userSet.users.length,
    boards: boards.length,
    topicBoards: kinds('topic'),
    catchallBoards: kinds('catchall'),
    spamBoards: kinds('spam'),
    memberships,
    sessions: sessions.length,
    events: events.length,
    actions,
    pinsOnBoards: sum(onBoard),
    pinsWithEvents: sum(engaged),
  }
  return {
    options: resolved,
    topics: topicSet.topics,
    pins: pinSet.pins,
    users: userSet.users,
    boards,
    sessions,
    events,
    popularity: pinSet.popularity,
    summary: { options: resolved, counts },
  }
}
