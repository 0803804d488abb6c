/**
 * @module
 * `related-pins serve`: load an artifacts directory into a local KV and run the worker in workerd.
 */

import { seedArtifacts, startLocalWorker } from '../../local/miniflare'
import type { Artifacts } from '../../offline/assemble'
import { readArtifacts } from '../../offline/write'

export type ServeCommandOptions = { artifacts: string; port: number; host: string }

export async function serveCommand(options: ServeCommandOptions): Promise<void> {
  const artifacts = await readArtifacts(options.artifacts)
  await serveArtifacts(artifacts, { port: options.port, host: options.host })
}

export async function serveArtifacts(
  artifacts: Artifacts,
  options: { port: number; host: string }
): Promise<void> {
  process.stderr.write('[serve] bundling the worker and starting workerd\n')
  const { mf, url } = await startLocalWorker({ port: options.port, host: options.host })
  const puts = await seedArtifacts(mf, artifacts)
  const { manifest } = artifacts
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
