/**
 * @module
 * `related-pins upload`: write an artifacts directory to Workers KV (Cloudflare REST API) or to a
 * persisted local KV, shards first, manifest next, pointer last; resumable; optional cleanup.
 */

import { join } from 'node:path'
import { openLocalKv, wranglerNamespaceId } from '../../local/upload/local-kv'
import { dirSource, runUpload, type UploadMode, type UploadResult } from '../../local/upload/run'
import { cloudflareTarget, miniflareTarget } from '../../local/upload/targets'
import { BuildError } from '../../offline/errors'

export type UploadCommandOptions = {
  artifacts: string
  namespaceId?: string
  local?: boolean
  persistTo: string
  wrangler: string
  dryRun?: boolean
  keep?: number
  /** Write only this directory's shard pairs (one slice of a sliced build). */
  shardsOnly?: boolean
  /** Write only the manifests and the pointer, once KV holds every shard. */
  pointerOnly?: boolean
}

export async function uploadCommand(command: UploadCommandOptions): Promise<UploadResult> {
  const { namespaceId } = command
  if (!command.local && !namespaceId) {
    throw new BuildError(
      'config',
      'upload: give --namespace-id ID (remote) or --local (see `npx related-pins upload --help`)'
    )
  }
  if (command.shardsOnly && command.pointerOnly) {
    throw new BuildError(
      'config',
      'upload: --shards-only and --pointer-only are two steps: each slice with --shards-only, then once --pointer-only'
    )
  }
  if (command.shardsOnly && command.keep !== undefined) {
    throw new BuildError(
      'config',
      'upload: --keep deletes old builds after the pointer switch; give it to the --pointer-only step'
    )
  }
  const mode: UploadMode = command.shardsOnly ? 'shards' : command.pointerOnly ? 'pointer' : 'all'
  const artifacts = await dirSource(command.artifacts, mode)
  const options = {
    mode,
    dryRun: Boolean(command.dryRun),
    keep: command.keep,
    log: (line: string) => process.stderr.write(`${line}\n`),
  }
  if (command.local) {
    const persistTo = command.persistTo
    const id = namespaceId ?? (await wranglerNamespaceId(command.wrangler))
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
