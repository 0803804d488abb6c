/**
 * @module
 * `related-pins upload`: write an artifacts directory to Workers KV (Cloudflare REST API) or to a
 * persisted local KV, shards first, manifest next, pointer last; resumable; optional cleanup.
 */

import { join } from 'node:path'
import { DEFAULT_PERSIST_TO, openLocalKv, wranglerNamespaceId } from '../../local/upload/local-kv'
import { dirSource, runUpload, type UploadResult } from '../../local/upload/run'
import { cloudflareTarget, miniflareTarget } from '../../local/upload/targets'
import { BuildError } from '../../offline/errors'
import { numberFlag, parseFlags, stringFlag } from '../args'

export const UPLOAD_HELP = `Usage: related-pins upload --artifacts DIR (--namespace-id ID | --local) [--dry-run] [--keep N]

Writes the build in DIR (its kv-bulk/*.json files, read one pair at a time) to Workers KV: shards
first, the manifests next, the pointer key last, in bulk requests of at most 10,000 pairs and 100 MB. Every key carries its SHA-256 in KV metadata, so
a rerun skips what is already there (an interrupted upload resumes).
  --artifacts DIR       build output (artifacts)
  --namespace-id ID     remote namespace; needs CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID
  --local               write a persisted local KV instead (what \`wrangler dev --local\` reads)
  --persist-to DIR      local state directory (.wrangler/state); KV lives in DIR/v3/kv
  --wrangler FILE       wrangler.toml giving the local namespace id (wrangler.toml); --namespace-id overrides
  --dry-run             print the plan, the number of KV writes and the free-plan cost; write nothing
  --keep N              after switching the pointer, delete builds older than the newest N
                        (N >= 2 keeps the previous build for readers still using it)`

export async function uploadCommand(argv: string[]): Promise<UploadResult | null> {
  const flags = parseFlags('upload', argv, {
    artifacts: { type: 'string' },
    'namespace-id': { type: 'string' },
    local: { type: 'boolean' },
    'persist-to': { type: 'string' },
    wrangler: { type: 'string' },
    'dry-run': { type: 'boolean' },
    keep: { type: 'string' },
  })
  if (flags.help) {
    console.log(UPLOAD_HELP)
    return null
  }
  const namespaceId = stringFlag(flags, 'namespace-id')
  const local = Boolean(flags.local)
  if (!local && !namespaceId) {
    throw new BuildError(
      'config',
      'upload: give --namespace-id ID (remote) or --local (see `npx related-pins upload --help`)'
    )
  }
  const keep =
    flags.keep === undefined ? undefined : numberFlag(flags, 'keep', 2, { integer: true, min: 1 })
  const artifacts = await dirSource(stringFlag(flags, 'artifacts') ?? 'artifacts')
  const options = {
    dryRun: Boolean(flags['dry-run']),
    keep,
    log: (line: string) => process.stderr.write(`${line}\n`),
  }
  if (local) {
    const persistTo = stringFlag(flags, 'persist-to') ?? DEFAULT_PERSIST_TO
    const id =
      namespaceId ?? (await wranglerNamespaceId(stringFlag(flags, 'wrangler') ?? 'wrangler.toml'))
    const { kv, dispose } = await openLocalKv(persistTo, id)
    try {
      return await runUpload(
        artifacts,
        miniflareTarget(kv, `local KV ${id} in ${join(persistTo, 'v3', 'kv')}`),
        options
      )
    } finally {
      await dispose()
    }
  }
  const apiToken = process.env.CLOUDFLARE_API_TOKEN
  const accountId = process.env.CLOUDFLARE_ACCOUNT_ID
  if (!apiToken || !accountId) {
    throw new BuildError(
      'config',
      'upload: set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID for --namespace-id (or use --local)'
    )
  }
  return runUpload(
    artifacts,
    cloudflareTarget({ accountId, namespaceId: namespaceId as string, apiToken }),
    options
  )
}
