/**
 * @module
 * The candidate files: what `build --write-candidates` writes and `build --from-candidates` reads,
 * so candidates computed anywhere (a warehouse, a Spark job, the SQL of sql/) assemble into a
 * servable build. Documented in docs/data-format.md#candidate-files.
 *
 *   <source>.parquet   pin_id VARCHAR, candidate_id VARCHAR, score DOUBLE, rank INTEGER (1 = best)
 *                      for source ∈ cooc, walk, session, pin2vec (each optional)
 *   pins.parquet       pin_id VARCHAR, engagement INTEGER, board_degree INTEGER,
 *                      embedding FLOAT[] (NULL for pins without a Pin2Vec vector),
 *                      recent_engagement INTEGER (optional column; absent = 0)   (optional)
 */

export const CANDIDATE_SOURCES = ['cooc', 'walk', 'session', 'pin2vec'] as const
export type CandidateSource = (typeof CANDIDATE_SOURCES)[number]

export const PINS_FILE = 'pins.parquet'
export const candidateFile = (source: CandidateSource): string => `${source}.parquet`
