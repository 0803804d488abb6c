/**
 * @module
 * The one table of `build` and `eval` flags: each row is the flag, its help text, its parser and
 * the field of BuildOptions (or EvalSettings) it sets. Defaults are read from the stage defaults
 * (DEFAULT_BUILD_OPTIONS, DEFAULT_EVAL_SETTINGS), so help never disagrees with the code.
 * Kept free of heavy imports: `--help` loads this file, not the pipeline.
 */

import { InvalidArgumentError } from 'commander'
import {
  DEFAULT_EVAL_SETTINGS,
  type EvalSettings,
  PEER_NAMES,
  type PeerName,
} from '../eval/options'
import { BLEND_LOSSES, HOLDOUT_PIN2VEC_MODES } from '../offline/blend/options'
import { COOC_SCORINGS } from '../offline/board-graph/scoring'
import { type BuildOptions, DEFAULT_BUILD_OPTIONS } from '../offline/config'
import { parseColumnMap } from '../offline/ingest/fields'
import { parseTimestamp } from '../offline/ingest/timestamp'
import { parseBytes } from '../offline/memory'
import { int, keyValue, num, oneOf } from './parse'

/** One flag: how it reads, what it sets, and the default help shows. */
export type FlagSpec<O> = {
  /** As commander takes it: `--top-n <N>`, or `--skip-bad-rows` for a switch. */
  flags: string
  /** Heading the flag is listed under in `--help`. */
  group: string
  help: string
  /** Raw value → parsed value; repeatable flags also get the value so far (undefined at first). */
  parse?: (raw: string, previous: unknown) => unknown
  /** Write the parsed value (true for a switch) into the options. */
  apply: (options: O, value: unknown) => void
  /** The default as help shows it; omitted for flags without one worth printing. */
  shown?: (defaults: O) => string
}

type Stage = {
  [K in keyof BuildOptions]: BuildOptions[K] extends object ? K : never
}[keyof BuildOptions]

/** A flag that sets `options[stage][key]` to `parse(raw)`. */
function stage<S extends Stage, K extends keyof BuildOptions[S] & string>(
  group: string,
  flags: string,
  help: string,
  path: [S, K],
  parse: (raw: string) => BuildOptions[S][K],
  show: (value: BuildOptions[S][K]) => string = String
): FlagSpec<BuildOptions> {
  const [s, k] = path
  return {
    flags,
    group,
    help,
    parse: (raw) => parse(raw),
    apply: (o, v) => {
      o[s][k] = v as BuildOptions[S][K]
    },
    shown: (d) => show(d[s][k]),
  }
}

const INPUTS = 'Inputs (CSV, TSV or JSONL, optionally .gz, or Parquet; see docs/data-format.md):'
const MODEL = 'Model:'
const COOC = 'Board co-occurrence (formulas in src/offline/board-graph/scoring.ts):'
const WALK = 'Random walks, for pins with few co-occurrence neighbours:'
const SESSIONS = 'Sessions:'
const PIN2VEC = 'Pin2Vec (skip-gram with negative sampling over sessions):'
const ARTIFACTS = 'Artifacts:'
const BLEND = 'Blend:'
const ENGINE = 'Engine (docs/scaling.md):'

/** `--boards-col F=NAME`: repeatable field → column mappings of one input. */
function columnFlag(kind: 'boards' | 'events' | 'pins'): FlagSpec<BuildOptions> {
  return {
    flags: `--${kind}-col <F=NAME>`,
    group: INPUTS,
    help:
      kind === 'boards'
        ? 'map a field to a column name (repeatable; also --events-col, --pins-col)'
        : `map a field of --${kind} to a column name (repeatable)`,
    parse: (raw, previous) => {
      keyValue(raw)
      return [...((previous as string[] | undefined) ?? []), raw]
    },
    apply: (o, v) => {
      o.ingest.columns[kind] = parseColumnMap(v as string[])
    },
  }
}

const boardWeight = (raw: string): BuildOptions['cooc']['boardWeight'] =>
  raw === 'log' ? 'log' : num({ min: 0, max: 4 })(raw)

/** `--action-weight A=W`, repeatable; given weights replace the defaults of those actions only. */
const ACTION_WEIGHT: FlagSpec<BuildOptions> = {
  flags: '--action-weight <A=W>',
  group: SESSIONS,
  help: 'weight of an action; 0 drops it (repeatable)',
  parse: (raw, previous) => {
    const [action, weight] = keyValue(raw)
    const w = Number(weight)
    if (!Number.isFinite(w) || w < 0) {
      throw new InvalidArgumentError(`${action}: weight must be a number >= 0.`)
    }
    return { ...(previous as Record<string, number> | undefined), [action.toLowerCase()]: w }
  },
  apply: (o, v) => {
    o.sessions.actionWeights = { ...o.sessions.actionWeights, ...(v as Record<string, number>) }
  },
  shown: (d) =>
    Object.entries(d.sessions.actionWeights)
      .map(([a, w]) => `${a}=${w}`)
      .join(', '),
}

/** Flags shared by `build` and `eval`: how the sources are built. */
export const MODEL_FLAGS: FlagSpec<BuildOptions>[] = [
  columnFlag('boards'),
  columnFlag('events'),
  columnFlag('pins'),
  {
    flags: '--skip-bad-rows',
    group: INPUTS,
    help: 'skip and count malformed rows instead of failing',
    apply: (o) => {
      o.ingest.skipBadRows = true
    },
  },
  {
    flags: '--top-n <N>',
    group: MODEL,
    help: 'neighbours per pin and source',
    parse: (raw) => int({ min: 1, max: 1000 })(raw),
    apply: (o, v) => {
      o.topN = v as number
    },
    shown: (d) => String(d.topN),
  },
  {
    flags: '--seed <N>',
    group: MODEL,
    help: 'seed for sampling and training',
    parse: (raw) => int({ min: 0 })(raw),
    apply: (o, v) => {
      o.seed = v as number
    },
    shown: (d) => String(d.seed),
  },
  {
    flags: '--max-memory <SIZE>',
    group: MODEL,
    help: 'stop early when a stage estimates it needs more (e.g. 8G, 512M); default: available memory',
    parse: (raw) => {
      const bytes = parseBytes(raw)
      if (bytes === null) {
        throw new InvalidArgumentError('expected a size such as 8G, 512M or a number of bytes.')
      }
      return bytes
    },
    apply: (o, v) => {
      o.maxMemoryBytes = v as number
    },
  },
  stage(
    COOC,
    '--max-board-size <N>',
    'boards above N pins are sampled down to N',
    ['cooc', 'maxBoardSize'],
    int({ min: 2 })
  ),
  stage(
    COOC,
    '--cooc-scoring <S>',
    `board pair score: ${COOC_SCORINGS.join(' | ')}`,
    ['cooc', 'scoring'],
    oneOf(COOC_SCORINGS)
  ),
  stage(
    COOC,
    '--cooc-board-weight <W>',
    'weight of a board of n pins: log = 1/log2(1+n), or a number α for n^-α',
    ['cooc', 'boardWeight'],
    boardWeight
  ),
  stage(
    COOC,
    '--diverse-min-size <N>',
    'boards of N+ pins whose pins share no other boards are dropped; 0 = off',
    ['cooc', 'diverseMinSize'],
    int({ min: 0 })
  ),
  stage(
    COOC,
    '--diverse-margin <X>',
    '... when coherence <= baseline + X·(1 - baseline), baseline = random pairs',
    ['cooc', 'diverseMargin'],
    num({ min: 0, max: 1 })
  ),
  stage(
    COOC,
    '--pin-degree-exponent <X>',
    'Pixie cap: a pin on d boards keeps its ceil(d^X) smallest boards; 1 = off',
    ['cooc', 'pinDegreeExponent'],
    num({ min: 0.1, max: 1 })
  ),
  stage(
    COOC,
    '--cooc-threads <N>',
    'threads for co-occurrence and walks, used when the work pays',
    ['cooc', 'threads'],
    int({ min: 1, max: 64 })
  ),
  stage(
    WALK,
    '--walk-min-cooc <N>',
    'pins with < N co-occurrence neighbours walk; 0 = no walks',
    ['walk', 'minCooc'],
    int({ min: 0 })
  ),
  stage(
    WALK,
    '--walk-steps <N>',
    'step budget per pin, × min(4, 1 + ln degree)',
    ['walk', 'steps'],
    int({ min: 1 })
  ),
  stage(
    WALK,
    '--walk-restart <X>',
    'chance of restarting at the query pin after each step',
    ['walk', 'restart'],
    num({ min: 0.01, max: 1 })
  ),
  stage(
    WALK,
    '--walk-stop-pins <N>',
    'stop early once N pins were each reached ...',
    ['walk', 'stopPins'],
    int({ min: 1 })
  ),
  stage(WALK, '--walk-stop-visits <N>', '... in N walks', ['walk', 'stopVisits'], int({ min: 1 })),
  stage(
    SESSIONS,
    '--session-gap <MIN>',
    'inactivity that ends a session, minutes',
    ['sessions', 'gapMinutes'],
    num({ min: 0 })
  ),
  ACTION_WEIGHT,
  stage(
    SESSIONS,
    '--other-action-weight <W>',
    'weight of actions not listed',
    ['sessions', 'otherActionWeight'],
    num({ min: 0 })
  ),
  stage(
    SESSIONS,
    '--recent-fraction <X>',
    "share of the events' time span, back from the last event, that counts as recent for the blend's trend feature (0 = none)",
    ['sessions', 'recentFraction'],
    num({ min: 0, max: 1 })
  ),
  stage(
    SESSIONS,
    '--session-scoring <S>',
    'session co-occurrence: damped | jaccard',
    ['sessionCooc', 'scoring'],
    oneOf(['damped', 'jaccard'] as const)
  ),
  stage(
    SESSIONS,
    '--session-max-distance <N>',
    'engagements further apart in a session do not pair',
    ['sessionCooc', 'maxDistance'],
    int({ min: 1 })
  ),
  stage(
    SESSIONS,
    '--session-decay <X>',
    "per-step decay of a session pair's weight (chosen on held-out events unless --fixed-session-scoring)",
    ['sessionCooc', 'decay'],
    num({ min: 0, max: 1 })
  ),
  stage(
    SESSIONS,
    '--session-backward <X>',
    'weight of a session pair whose candidate came before the pin; 1 = undirected (chosen unless --fixed-session-scoring)',
    ['sessionCooc', 'backward'],
    num({ min: 0, max: 1 })
  ),
  stage(
    SESSIONS,
    '--session-popularity-exponent <X>',
    "how much a candidate's own mass damps its session score; 0.5 = cosine (chosen unless --fixed-session-scoring)",
    ['sessionCooc', 'popularityExponent'],
    num({ min: 0, max: 1 })
  ),
  stage(
    SESSIONS,
    '--session-length-damping <X>',
    'a session of n engagements weighs 1 / log2(1 + n)^X; 0 = every session alike (chosen unless --fixed-session-scoring)',
    ['sessionCooc', 'lengthDamping'],
    num({ min: 0, max: 1 })
  ),
  {
    flags: '--fixed-session-scoring',
    group: SESSIONS,
    help: "score session co-occurrence with the four values above as given, instead of choosing them on the blend fit's held-out events",
    apply: (o) => {
      o.sessionCooc.tune = false
    },
  },
  stage(PIN2VEC, '--dims <N>', 'embedding width', ['pin2vec', 'dims'], int({ min: 1, max: 1024 })),
  stage(PIN2VEC, '--window <N>', 'maximum context window', ['pin2vec', 'window'], int({ min: 1 })),
  stage(
    PIN2VEC,
    '--negatives <N>',
    'negative samples per pair',
    ['pin2vec', 'negatives'],
    int({ min: 0 })
  ),
  stage(
    PIN2VEC,
    '--ns-exponent <X>',
    'exponent on counts in the negative-sampling table',
    ['pin2vec', 'nsExponent'],
    num({ min: 0 })
  ),
  stage(
    PIN2VEC,
    '--sample <X>',
    'frequent-pin subsampling threshold; 0 = off',
    ['pin2vec', 'sample'],
    num({ min: 0 })
  ),
  stage(
    PIN2VEC,
    '--epochs <N>',
    'passes over the sessions',
    ['pin2vec', 'epochs'],
    int({ min: 1 })
  ),
  stage(
    PIN2VEC,
    '--min-count <N>',
    'pins seen fewer times get no embedding',
    ['pin2vec', 'minCount'],
    int({ min: 1 })
  ),
  stage(
    PIN2VEC,
    '--threads <N>',
    'training threads (Hogwild; not bit-reproducible above 1, see --deterministic)',
    ['pin2vec', 'threads'],
    int({ min: 1, max: 64 })
  ),
  {
    flags: '--deterministic',
    group: PIN2VEC,
    help: 'reproducible build: train on one thread whatever --threads says, so the same inputs and seed give the same build id',
    apply: (o) => {
      o.pin2vec.deterministic = true
    },
  },
  stage(
    ARTIFACTS,
    '--pins-per-shard <N>',
    'pins per KV value, on average',
    ['assemble', 'pinsPerShard'],
    int({ min: 1 })
  ),
  stage(
    ARTIFACTS,
    '--max-candidates <N>',
    'candidates stored per pin, the best by the served blend; also the most results per seed',
    ['assemble', 'maxCandidates'],
    int({ min: 1 })
  ),
  stage(
    ARTIFACTS,
    '--max-shard-bytes <N>',
    'byte budget of one KV value; crowded shards store fewer candidates to fit',
    ['assemble', 'maxShardBytes'],
    int({ min: 1024 })
  ),
  stage(
    ARTIFACTS,
    '--vector-dtype <T>',
    'int8 | float32',
    ['assemble', 'vectorDtype'],
    oneOf(['int8', 'float32'] as const)
  ),
  stage(
    ENGINE,
    '--engine <E>',
    'where board and session co-occurrence run: node | duckdb (the SQL of sql/ in embedded DuckDB, same lists)',
    ['engine', 'name'],
    oneOf(['node', 'duckdb'] as const)
  ),
  stage(
    ENGINE,
    '--duckdb-memory <SIZE>',
    'DuckDB memory_limit, e.g. 2GiB; it spills to disk above it, and the board stage runs in passes over the pins to fit it',
    ['engine', 'duckdbMemoryLimit'],
    (raw) => {
      if (!/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(raw)) {
        throw new InvalidArgumentError('a size like 2GiB or 512MB.')
      }
      return raw
    },
    (v) => v || 'DuckDB default, 80% of RAM'
  ),
]

/** `build` and `eval`: what the served Pin2Vec is, given the blend fit's (src/offline/blend/options.ts). */
export const HOLDOUT_PIN2VEC_FLAG: FlagSpec<BuildOptions> = stage(
  BLEND,
  '--holdout-pin2vec <MODE>',
  "served Pin2Vec: continue = train the fit's model (trained before the cut) on the later sessions, so it is trained once; retrain = train again from scratch on all events (twice the time); reuse = serve the fit's model as it is",
  ['blend', 'pin2vec'],
  oneOf(HOLDOUT_PIN2VEC_MODES)
)

/** `build` and `eval`: the learned blend's objective (src/offline/blend/fit-model.ts). */
export const BLEND_LOSS_FLAG: FlagSpec<BuildOptions> = stage(
  BLEND,
  '--blend-loss <L>',
  "the learned blend's (and eval's session model's) objective: listwise = softmax over each query's candidates; pointwise = logistic regression on each target and 10 sampled negatives; auto = fit both, keep the one that ranks the held-out check part better",
  ['blend', 'loss'],
  oneOf(BLEND_LOSSES)
)

/** `build` only: the blend fit on the build's own held-out events. */
export const BUILD_ONLY_FLAGS: FlagSpec<BuildOptions>[] = [
  stage(
    BLEND,
    '--holdout <F>',
    "last share of the events' time span held out to fit the blend, with every source trained before it; the served sources use all events (see --holdout-pin2vec); 0 = default blend",
    ['blend', 'holdout'],
    num({ min: 0, max: 0.5 })
  ),
  stage(
    BLEND,
    '--holdout-max-queries <N>',
    'held-out queries used for the fit; 0 = all',
    ['blend', 'maxQueries'],
    int({ min: 0 })
  ),
  HOLDOUT_PIN2VEC_FLAG,
  BLEND_LOSS_FLAG,
]

/** `eval` only, on top of MODEL_FLAGS. */
export const EVAL_BUILD_FLAGS: FlagSpec<BuildOptions>[] = [
  stage(
    'Evaluation:',
    '--tune-step <X>',
    'grid step of blend weight tuning',
    ['blend', 'tuneStep'],
    num({ min: 0.01, max: 0.5 })
  ),
  HOLDOUT_PIN2VEC_FLAG,
  BLEND_LOSS_FLAG,
]

const EVAL = 'Evaluation:'

/** `--peers sar,ar` or `--peers none`. */
function peerList(raw: string): PeerName[] {
  if (raw === 'none') {
    return []
  }
  const names = raw.split(',')
  for (const name of names) {
    if (!(PEER_NAMES as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(`expected none or some of ${PEER_NAMES.join(', ')}.`)
    }
  }
  return [...new Set(names as PeerName[])]
}

/** A flag that sets `settings[key]`. */
function evalFlag<K extends keyof EvalSettings>(
  flags: string,
  help: string,
  key: K,
  parse: (raw: string) => EvalSettings[K]
): FlagSpec<EvalSettings> {
  return {
    flags,
    group: EVAL,
    help,
    parse: (raw) => parse(raw),
    apply: (o, v) => {
      o[key] = v as EvalSettings[K]
    },
    shown: (d) => (d[key] === undefined ? '' : String(d[key])),
  }
}

export const EVAL_FLAGS: FlagSpec<EvalSettings>[] = [
  evalFlag(
    '--test-fraction <F>',
    'last share of the time span held out for testing',
    'testFraction',
    num({ min: 0.01, max: 0.9 })
  ),
  evalFlag(
    '--validation-fraction <F>',
    'share just before it used to tune the blend',
    'validationFraction',
    num({ min: 0.01, max: 0.9 })
  ),
  evalFlag(
    '--test-cut <TIME>',
    'explicit test cut (ISO-8601 or Unix time); overrides --test-fraction',
    'testCut',
    (raw) => {
      const t = parseTimestamp(raw)
      if (t === null) {
        throw new InvalidArgumentError('expected ISO-8601 or Unix time.')
      }
      return t
    }
  ),
  evalFlag(
    '--bucket-thresholds <A,B>',
    'tail <= A < torso <= B < head (default: terciles of test queries)',
    'bucketThresholds',
    (raw) => {
      const [a, b, ...rest] = raw.split(',').map(Number)
      if (a === undefined || b === undefined || rest.length > 0 || !(a <= b)) {
        throw new InvalidArgumentError('expected A,B with A <= B.')
      }
      return { tailMax: a, torsoMax: b }
    }
  ),
  evalFlag('--bootstrap <N>', 'bootstrap resamples for intervals', 'bootstrap', int({ min: 10 })),
  evalFlag(
    '--max-queries <N>',
    'evaluate an evenly spaced sample of N queries; 0 = all',
    'maxQueries',
    int({ min: 0 })
  ),
  evalFlag(
    '--peer-tune-queries <N>',
    "validation queries that choose each peer's and the session model's settings; 0 = all",
    'peerTuneQueries',
    int({ min: 0 })
  ),
  evalFlag(
    '--peers <LIST>',
    `peers to tune and score, comma-separated (${PEER_NAMES.join(', ')}), or none`,
    'peers',
    peerList
  ),
  evalFlag(
    '--train-on <S>',
    'all | boards | events: let the sources learn from one signal only (test sessions still come from the events)',
    'trainOn',
    oneOf(['all', 'boards', 'events'] as const)
  ),
  {
    flags: '--ablation',
    group: EVAL,
    help: 'also score the blend without each source in turn, re-fitted on the validation slice (leave one source out; one more blend fit and scoring per source)',
    apply: (o) => {
      o.ablation = true
    },
  },
]

/** Help text of a flag, with its default. */
export function helpOf<O>(spec: FlagSpec<O>, defaults: O): string {
  const shown = spec.shown?.(defaults)
  return shown ? `${spec.help} (default: ${shown})` : spec.help
}

/** Defaults with every given flag applied; `values` are commander's parsed values by flag. */
export function applyFlags<O>(
  specs: FlagSpec<O>[],
  defaults: O,
  value: (spec: FlagSpec<O>) => unknown
): O {
  const options = structuredClone(defaults)
  for (const spec of specs) {
    const v = value(spec)
    if (v !== undefined) {
      spec.apply(options, v)
    }
  }
  return options
}

export { DEFAULT_BUILD_OPTIONS, DEFAULT_EVAL_SETTINGS }
