/**
 * @module
 * `related-pins serve`: load an artifacts directory into a local KV and run the worker in workerd.
 */

import { ArtifactError } from '../../core/errors'
import { seedFromDir, startLocalWorker } from '../../local/miniflare'
import { sliceLabel } from '../../offline/slice'
import { readManifest } from '../../offline/write'
import { checkSlices, sliceReports } from '../../offline/write-slice'

export type ServeCommandOptions = { artifacts: string; port: number; host: string }

export async function serveCommand(options: ServeCommandOptions): Promise<void> {
  await serveArtifacts(options.artifacts, { port: options.port, host: options.host })
}

/** Seed a local KV from the kv-bulk files of `dir` (line by line) and serve until Ctrl-C. */
export async function serveArtifacts(
  dir: string,
  options: { port: number; host: string }
): Promise<void> {
  const manifest = await readManifest(dir).catch(async (err: unknown) => {
    const reports = await sliceReports(dir)
    if (reports.length === 0 || !(err instanceof ArtifactError)) {
      throw err
    }
    throw new ArtifactError(
      'manifest_missing',
      `${dir} is slice ${reports.map((r) => sliceLabel(r.slice)).join(', ')} of build ${reports[0]!.buildId}, without manifest.json (slice 0 writes it): serve the directory every slice was copied into`
    )
  })
  await checkSlices(dir, manifest.buildId, true) // a sliced build serves only once joined
  process.stderr.write('[serve] bundling the worker and starting workerd\n')
  const { mf, url } = await startLocalWorker({ port: options.port, host: options.host })
  const total = manifest.shardCount + 3
  const start = Date.now()
  let last = start
  const puts = await seedFromDir(mf, dir, (n) => {
    const now = Date.now()
    if (now - last >= 10_000 && n < total) {
      last = now
      const rate = n / ((now - start) / 1000)
      process.stderr.write(
        `[serve] seeding local KV: ${n.toLocaleString('en')}/${total.toLocaleString('en')} keys, ${Math.round(rate)}/s, ETA ${Math.ceil((total - n) / rate)} s\n`
      )
    }
  })
  process.stderr.write(`[serve] loaded build ${manifest.buildId} into local KV (${puts} keys)\n`)
  const base = url.origin
  const examples = manifest.popular.slice(0, 3)
  const lines = [
    `related-pins is serving build ${manifest.buildId} (${manifest.pinCount.toLocaleString('en')} pins) at ${base}`,
    '',
    `  ${base}/                       popular pins`,
    ...examples.flatMap((p) => [
      `  ${base}/pins/${encodeURIComponent(p.id)}        ${p.title}`,
      `  ${base}/v1/pins/${encodeURIComponent(p.id)}/related?k=10`,
    ]),
    `  ${base}/healthz`,
    '',
    'Press Ctrl-C to stop.',
  ]
  console.log(lines.join('\n'))
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      resolve()
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  await mf.dispose()
}
