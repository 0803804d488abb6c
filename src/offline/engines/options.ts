/**
 * @module
 * Where the co-occurrence stages run (`--engine`, `--duckdb-memory`).
 */

export type EngineOptions = {
  /** node: this process (src/offline/board-graph, sessions); duckdb: the SQL of sql/ in embedded DuckDB. */
  name: 'node' | 'duckdb'
  /** DuckDB memory_limit (e.g. '2GiB'); DuckDB spills to disk above it. '' = DuckDB's default. */
  duckdbMemoryLimit: string
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = { name: 'node', duckdbMemoryLimit: '' }
