/**
 * @module
 * Pin2Vec: word2vec skip-gram with negative sampling over engagement sessions, and cosine
 * neighbours over the learned embeddings.
 */

export { DEFAULT_PIN2VEC_OPTIONS, resolvePin2VecOptions, type Pin2VecOptions } from './options'
export { trainPin2Vec, type Pin2VecResult } from './train'
export { nearestNeighbours, EXACT_MAX_ROWS, type Neighbours, type NeighbourOptions } from './neighbours'
export { recallAgainstExact, type IvfOptions } from './knn-ivf'
export { prepareWasmBackend } from './backend'
export { loadEmbeddings, saveEmbeddings } from './io'
export type { Corpus } from './tables'
