/**
 * @module
 * A deterministic synthetic Pinterest world with ground truth: generate it, write it, read truth.
 */

export type {
  Action,
  Board,
  BoardKind,
  Events,
  GenerateOptions,
  Pin,
  ResolvedOptions,
  Sessions,
  Topic,
  User,
  World,
  WorldCounts,
  WorldSummary,
} from './types'
export { ACTIONS } from './types'
export { generateWorld, resolveOptions } from './world'
export { readTruth, writeWorld } from './write'
