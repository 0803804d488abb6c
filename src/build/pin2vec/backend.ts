/**
 * @module
 * Selects the tfjs cpu backend once, without its "install tfjs-node" banner.
 */

import * as tf from '@tensorflow/tfjs'

let ready: Promise<void> | undefined

/** The cpu backend holds the final tables and runs the neighbour search (no tfjs-node here). */
export function useCpuBackend(): Promise<void> {
  ready ??= (async () => {
    await tf.setBackend('cpu')
    // The cpu backend prints a tfjs-node banner on its first write when IS_NODE is set; we cannot
    // install tfjs-node (PLATFORM.md), so make that first write with the flag briefly off.
    const isNode = tf.env().getBool('IS_NODE')
    tf.env().set('IS_NODE', false)
    try {
      tf.tensor1d([0]).dispose()
    } finally {
      tf.env().set('IS_NODE', isNode)
    }
  })()
  return ready
}
