/**
 * @module
 * A persisted local KV, in the layout `wrangler dev --local` uses: `<persistTo>/v3/kv`, one store per
 * namespace id (wrangler.toml's ARTIFACTS id), so `wrangler dev --persist-to <persistTo>` and
 * `related-pins serve --persist-to` read what `upload --local` wrote.
 */

import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Miniflare } from 'miniflare'

export const DEFAULT_PERSIST_TO = join('.wrangler', 'state')

export const kvPersistDir = (persistTo: string): string => join(persistTo, 'v3', 'kv')

/** The id of the ARTIFACTS namespace in wrangler.toml (what wrangler dev uses locally). */
export async function wranglerNamespaceId(wranglerToml: string): Promise<string> {
  const text = await readFile(wranglerToml, 'utf8')
  for (const block of text.split('[[kv_namespaces]]').slice(1)) {
    if (/binding\s*=\s*"ARTIFACTS"/.test(block)) {
      const id = /\n\s*id\s*=\s*"([^"]+)"/.exec(block)?.[1]
      if (id) {
        return id
      }
    }
  }
  throw new Error(
    `[upload] ${wranglerToml} has no [[kv_namespaces]] with binding "ARTIFACTS" and an id`
  )
}

/** Open the persisted namespace through Miniflare (no worker involved beyond a stub). */
export async function openLocalKv(persistTo: string, namespaceId: string) {
  const mf = new Miniflare({
    modules: true,
    script: 'export default { fetch() { return new Response(null, { status: 204 }) } }',
    kvNamespaces: { ARTIFACTS: namespaceId },
    kvPersist: kvPersistDir(persistTo),
  })
  await mf.ready
  return { kv: await mf.getKVNamespace('ARTIFACTS'), dispose: () => mf.dispose() }
}
