/**
 * @module
 * `npm run bench -- engines [--boards F --events F] [--name N]`: the node and DuckDB engines on the
 * same inputs, with the build's defaults: wall time of each co-occurrence stage and the share of
 * pins whose top-20 candidate sets are identical. Records bench/results.json `engines.<name>`.
 * Without inputs it runs on the generated 100k-pin world (`generate --pins 100000 --seed 7`,
 * cached under bench/data, the edge bench's world).
 */

import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { runCli } from '../src/cli/program'
import { computeBoardSources } from '../src/offline/board-graph'
import { buildOptions } from '../src/offline/config'
import { compareTopSets } from '../src/offline/engines/compare'
import { duckdbSources } from '../src/offline/engines/duckdb/stages'
import { loadInputs } from '../src/offline/inputs'
import { createLogger } from '../src/offline/log'
import { sessionizeOptions } from '../src/offline/sessions/options'
import { sessionCooccurrence } from '../src/offline/sessions/session-cooc'
import { sessionize } from '../src/offline/sessions/sessionize'
import { mergeResults, ROOT } from './lib/results'

const seconds = (since: number): number => Math.round((performance.now() - since) / 10) / 100

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      boards: { type: 'string' },
      events: { type: 'string' },
      name: { type: 'string' },
      'duckdb-memory': { type: 'string' },
    },
  })
  const log = createLogger({ silent: true })
  const options = buildOptions({ walk: { minCooc: 0 } })
  let paths = { boards: values.boards, events: values.events }
  if (!paths.boards && !paths.events) {
    const world = join(ROOT, 'bench', 'data', 'w100k')
    if (!existsSync(join(world, 'events.csv'))) {
      await runCli(['generate', '--out', world, '--pins', '100000', '--seed', '7'])
    }
    paths = { boards: join(world, 'boards.csv'), events: join(world, 'events.csv') }
    values.name ??= 'generated-100k'
  }
  const inputs = await loadInputs(paths, options.ingest, log)
  const ids = inputs.pins.ids
  let t = performance.now()
  const b = inputs.boards
  const board = b
    ? await computeBoardSources(
        {
          board: b.board,
          pin: b.pin,
          boardCount: b.boards.size,
          pinIds: ids,
          boardIds: b.boards.ids,
        },
        ids.length,
        options,
        log
      )
    : null
  const nodeBoardS = seconds(t)
  t = performance.now()
  const e = inputs.events
  const sessionOptions = e ? sessionizeOptions(e.actions.ids, options.sessions) : null
  const session =
    e && sessionOptions
      ? sessionCooccurrence(sessionize(e, sessionOptions).sessions, ids.length, {
          ...options.sessionCooc,
          topN: options.topN,
          actionWeight: sessionOptions.actionWeight,
        })
      : null
  const nodeSessionS = seconds(t)
  const duck = await duckdbSources(inputs, options, { memoryLimit: values['duckdb-memory'] }, log)
  const result = {
    pins: ids.length,
    memberships: b?.pin.length ?? 0,
    events: e?.pin.length ?? 0,
    duckdb: duck.version,
    node: { boardCoocS: nodeBoardS, sessionCoocS: nodeSessionS },
    duckdbTimingsS: duck.timings,
    cooc: board && duck.cooc ? compareTopSets(board.cooc, duck.cooc, 20) : null,
    session: session && duck.session ? compareTopSets(session.lists, duck.session, 20) : null,
  }
  console.log(JSON.stringify(result, null, 2))
  await mergeResults(`engines.${values.name ?? 'run'}`, result)
}
