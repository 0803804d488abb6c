/**
 * @module
 * Pin2Vec: word2vec skip-gram with negative sampling over engagement sessions, and cosine
 * neighbours over the learned embeddings.
 */

export { prepareWasmBackend } from './backend'
export { loadEmbeddings, saveEmbeddings } from './io'
export { type IvfOptions, recallAgainstExact } from './knn-ivf'
export {
  EXACT_MAX_ROWS,
  type NeighbourOptions,
  type Neighbours,
  nearestNeighbours,
  searchNeighbours,
} from './nearest'
export { DEFAULT_PIN2VEC_OPTIONS, type Pin2VecOptions, resolvePin2VecOptions } from './options'
export type { Corpus } from './tables'
export { type Pin2VecResult, trainPin2Vec } from './train'
