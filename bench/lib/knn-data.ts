/**
 * Vectors for `npm run bench -- knn`: real Pin2Vec embeddings of a generated world (trained with
 * the build's own session and Pin2Vec defaults), or synthetic clustered unit vectors shaped like
 * them (themes > topics > pins, Zipf-sized topics), for sizes where training would dominate.
 */

import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { createRandom } from '../../src/core/random'
import { DEFAULT_BUILD_OPTIONS } from '../../src/offline/config'
import { loadInputs } from '../../src/offline/inputs'
import type { Logger } from '../../src/offline/log'
import { saveEmbeddings, trainPin2Vec } from '../../src/offline/pin2vec/index'
import { sessionizeOptions } from '../../src/offline/sessions/options'
import { sessionCorpus, sessionize } from '../../src/offline/sessions/sessionize'

/**
 * Train Pin2Vec on `world`/events.csv exactly as the build does (30 min sessions, default action
 * weights, default Pin2Vec options except `threads`) and save the table to `out`.
 */
export async function embedWorld(
  world: string,
  out: string,
  threads: number,
  log: Logger
): Promise<void> {
  const inputs = await loadInputs(
    { events: join(world, 'events.csv'), pins: join(world, 'pins.csv') },
    { skipBadRows: false, columns: { boards: {}, events: {}, pins: {} } },
    log
  )
  const { sessions } = sessionize(
    inputs.events!,
    sessionizeOptions(inputs.events!.actions.ids, DEFAULT_BUILD_OPTIONS.sessions)
  )
  const corpus = sessionCorpus(sessions)
  const trained = await trainPin2Vec(
    corpus,
    inputs.pins.size,
    { seed: DEFAULT_BUILD_OPTIONS.seed, threads },
    log
  )
  await saveEmbeddings(trained, out)
  trained.embeddings.dispose()
}

export type SyntheticOptions = {
  rows: number
  dims: number
  seed: number
  /** Pins per topic on average (the generator's default is 100 at 40k pins, 2,500 at 1M). */
  pinsPerTopic: number
  /** Topics per theme share a theme direction: neighbouring topics are close, as in the generator. */
  themes: number
  /**
   * Within a topic, pins lie on a random plane through its centre (scale `spread`; the generator's
   * sessions walk a latent line per topic), plus isotropic noise of scale `noise` per dimension.
   */
  spread: number
  noise: number
}

/** Synthetic [rows, dims] table of unit vectors plus everything marked trained. */
export function syntheticEmbeddings(options: SyntheticOptions): {
  embeddings: tf.Tensor2D
  trained: Uint8Array
} {
  const { rows, dims, seed, pinsPerTopic, themes, spread, noise } = options
  const random = createRandom(seed)
  const gauss = (): number => {
    const u = Math.max(random.next(), 1e-12)
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next())
  }
  const topics = Math.max(1, Math.round(rows / pinsPerTopic))
  const themeCentres = Float32Array.from({ length: themes * dims }, gauss)
  const topicCentres = new Float32Array(topics * dims)
  const planes = new Float32Array(topics * 2 * dims)
  for (let t = 0; t < topics; t++) {
    const theme = t % themes
    for (let k = 0; k < dims; k++) {
      topicCentres[t * dims + k] = 0.7 * (themeCentres[theme * dims + k] as number) + gauss()
      planes[2 * t * dims + k] = gauss()
      planes[(2 * t + 1) * dims + k] = gauss()
    }
  }
  // Zipf-ish topic sizes: a power of a uniform draw favours low topic ids.
  const values = new Float32Array(rows * dims)
  for (let i = 0; i < rows; i++) {
    const t = Math.min(topics - 1, Math.floor(topics * random.next() ** 1.6))
    let norm = 0
    const u = spread * gauss()
    const v = spread * gauss()
    for (let k = 0; k < dims; k++) {
      const x =
        (topicCentres[t * dims + k] as number) +
        u * (planes[2 * t * dims + k] as number) +
        v * (planes[(2 * t + 1) * dims + k] as number) +
        noise * gauss()
      values[i * dims + k] = x
      norm += x * x
    }
    const scale = 1 / Math.sqrt(norm)
    for (let k = 0; k < dims; k++) {
      values[i * dims + k] = (values[i * dims + k] as number) * scale
    }
  }
  return {
    embeddings: tf.tensor2d(values, [rows, dims]),
    trained: new Uint8Array(rows).fill(1),
  }
}
