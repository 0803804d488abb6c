/**
 * @module
 * Training progress from the stats arrays the loop (or each worker) fills in: throttled
 * progress lines while an epoch runs and one line per finished epoch.
 */

import type { Logger } from '../log'
import { epochSlot, STAT_EPOCHS_DONE, STAT_PAIRS, STAT_WORDS } from './sgns'

export type ProgressReporter = {
  /** Read the stats arrays and log what changed; cheap enough to call every 10,000 words. */
  tick(): void
}

export function createProgressReporter(
  log: Logger,
  stats: readonly Float64Array[],
  epochs: number,
  wordsPerEpoch: number,
  startMs: number
): ProgressReporter {
  let epochsLogged = 0
  const sum = (index: number): number => stats.reduce((total, s) => total + (s[index] as number), 0)
  const epochLoss = (epoch: number): number => {
    const slot = epochSlot(epoch)
    const count = sum(slot + 1)
    return count > 0 ? sum(slot) / count : Number.NaN
  }
  return {
    tick() {
      const elapsed = Math.max(1e-9, (performance.now() - startMs) / 1000)
      const pairsPerSec = Math.round(sum(STAT_PAIRS) / elapsed)
      // An epoch is finished when every thread has finished it.
      const done = Math.min(...stats.map((s) => s[STAT_EPOCHS_DONE] as number))
      while (epochsLogged < done) {
        const slot = epochSlot(epochsLogged)
        log.progress(
          'train',
          `epoch ${epochsLogged + 1}/${epochs} done  pairs=${sum(slot + 2)} loss=${epochLoss(epochsLogged).toFixed(4)} ` +
            `pairs/s=${pairsPerSec} elapsed=${elapsed.toFixed(1)}s`,
          true
        )
        epochsLogged++
      }
      if (done >= epochs) {
        return
      }
      const fraction = Math.min(1, sum(STAT_WORDS) / Math.max(1, epochs * wordsPerEpoch))
      const epoch = Math.min(epochs - 1, Math.floor(fraction * epochs))
      const percent = Math.floor((fraction * epochs - epoch) * 100)
      const eta = fraction > 0 ? (elapsed * (1 - fraction)) / fraction : Number.NaN
      log.progress(
        'train',
        `epoch ${epoch + 1}/${epochs}  ${percent}% pairs/s=${pairsPerSec} ` +
          `loss=${epochLoss(epoch).toFixed(4)} eta=${eta.toFixed(0)}s`
      )
    },
  }
}

/** Mean sampled loss per pair for each epoch, over all threads. */
export function lossPerEpoch(stats: readonly Float64Array[], epochs: number): number[] {
  const losses: number[] = []
  for (let e = 0; e < epochs; e++) {
    const slot = epochSlot(e)
    let sum = 0
    let count = 0
    for (const s of stats) {
      sum += s[slot] as number
      count += s[slot + 1] as number
    }
    losses.push(count > 0 ? sum / count : Number.NaN)
  }
  return losses
}
