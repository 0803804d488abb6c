/**
 * @module
 * Fail early on memory: before a stage allocates its big arrays, its estimate is checked against
 * the budget (`--max-memory`, else the memory the OS says is available when the build starts), so
 * a build that cannot fit stops with a message naming the stage, the estimate and what to change,
 * instead of swapping or dying in a V8 heap crash minutes later.
 */

import { readFileSync } from 'node:fs'
import { freemem } from 'node:os'
import { BuildError, type BuildStage } from './errors'
import { formatBytes } from './log'

/** Memory the OS can give without swapping: MemAvailable on Linux, else free memory. */
export function availableMemoryBytes(): number {
  try {
    const match = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))
    if (match) {
      return Number(match[1]) * 1024
    }
  } catch {
    // Not Linux: fall through.
  }
  return freemem()
}

/** `8G`, `512M`, `1.5GiB`, `2000000000` → bytes (binary units). */
export function parseBytes(raw: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?\s*$/i.exec(raw)
  if (!match) {
    return null
  }
  const power = ['', 'k', 'm', 'g', 't'].indexOf(match[2]!.toLowerCase())
  const bytes = Number(match[1]) * 1024 ** power
  return Number.isFinite(bytes) && bytes > 0 ? Math.round(bytes) : null
}

export type MemoryBudget = {
  /** Bytes the whole process may use (resident). */
  limitBytes: number
  /** Where the limit comes from, for the message. */
  origin: string
  /** Resident bytes now (default: this process's RSS). */
  residentBytes?: () => number
}

/** The budget of a build: `maxBytes` when given (> 0), else what is available at the start. */
export function memoryBudget(maxBytes: number): MemoryBudget {
  if (maxBytes > 0) {
    return { limitBytes: maxBytes, origin: `--max-memory ${formatBytes(maxBytes)}` }
  }
  const resident = process.memoryUsage.rss()
  return {
    limitBytes: resident + availableMemoryBytes(),
    origin: `available memory (${formatBytes(availableMemoryBytes())} free when checked)`,
  }
}

/**
 * Throw a BuildError when the stage's `estimateBytes` on top of what the process holds now would
 * exceed the budget. `parts` itemises the estimate; `hint` says what to change.
 */
export function checkMemory(
  budget: MemoryBudget,
  stage: BuildStage,
  what: string,
  parts: Record<string, number>,
  hint: string
): void {
  const estimate = Object.values(parts).reduce((a, b) => a + b, 0)
  const resident = (budget.residentBytes ?? (() => process.memoryUsage.rss()))()
  if (resident + estimate <= budget.limitBytes) {
    return
  }
  const itemised = Object.entries(parts)
    .map(([k, v]) => `${k} ${formatBytes(v)}`)
    .join(' + ')
  throw new BuildError(
    stage,
    `${what} needs about ${formatBytes(estimate)} (${itemised}) on top of the ${formatBytes(resident)} ` +
      `already in use, over the limit of ${budget.origin}. ${hint}`
  )
}
