/**
 * @module
 * Where `related-pins upload` writes: a Workers KV namespace through Cloudflare's REST API, or a
 * local KV through Miniflare's API (persisted where `wrangler dev --local` reads it).
 */

import type { Miniflare } from 'miniflare'
import { plainBuffer } from '../miniflare'
import type { UploadEntry } from './plan'

export type StoredKey = { key: string; metadata?: unknown }

export type KvTarget = {
  describe: string
  list(prefix: string): Promise<StoredKey[]>
  getText(key: string): Promise<string | null>
  putBulk(entries: UploadEntry[]): Promise<void>
  deleteBulk(keys: string[]): Promise<void>
}

type KvLike = Awaited<ReturnType<Miniflare['getKVNamespace']>>

/** A Miniflare KV namespace (in memory or persisted). */
export function miniflareTarget(kv: KvLike, describe: string): KvTarget {
  return {
    describe,
    async list(prefix) {
      const out: StoredKey[] = []
      let cursor: string | undefined
      do {
        const page = await kv.list({ prefix, cursor })
        out.push(...page.keys.map((k) => ({ key: k.name, metadata: k.metadata })))
        cursor = page.list_complete ? undefined : page.cursor
      } while (cursor)
      return out
    },
    getText: (key) => kv.get(key, 'text'),
    async putBulk(entries) {
      for (const e of entries) {
        await kv.put(e.key, typeof e.value === 'string' ? e.value : plainBuffer(e.value), {
          metadata: e.metadata,
        })
      }
    },
    async deleteBulk(keys) {
      for (const key of keys) {
        await kv.delete(key)
      }
    },
  }
}

export type CloudflareOptions = {
  accountId: string
  namespaceId: string
  apiToken: string
  /** Injected in tests; the global fetch otherwise. */
  fetch?: typeof fetch
  apiBase?: string
}

type CfAnswer<T> = {
  success: boolean
  errors?: { code: number; message: string }[]
  result: T
  result_info?: { cursor?: string }
}

/** Cloudflare REST API: bulk write, list with metadata, bulk delete (https://developers.cloudflare.com/api/resources/kv/). */
export function cloudflareTarget(options: CloudflareOptions): KvTarget {
  const doFetch = options.fetch ?? fetch
  const base = `${options.apiBase ?? 'https://api.cloudflare.com/client/v4'}/accounts/${encodeURIComponent(options.accountId)}/storage/kv/namespaces/${encodeURIComponent(options.namespaceId)}`
  const headers = {
    authorization: `Bearer ${options.apiToken}`,
    'content-type': 'application/json',
  }
  async function call<T>(method: string, path: string, body?: unknown): Promise<CfAnswer<T>> {
    const res = await doFetch(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const answer = (await res.json().catch(() => null)) as CfAnswer<T> | null
    if (!res.ok || !answer?.success) {
      const why =
        answer?.errors?.map((e) => `${e.code} ${e.message}`).join('; ') || `HTTP ${res.status}`
      throw new Error(`[upload] Cloudflare API ${method} ${path.split('?')[0]}: ${why}`)
    }
    return answer
  }
  return {
    describe: `KV namespace ${options.namespaceId} (Cloudflare API)`,
    async list(prefix) {
      const out: StoredKey[] = []
      let cursor = ''
      do {
        const q = new URLSearchParams({ prefix, limit: '1000', ...(cursor ? { cursor } : {}) })
        const page = await call<{ name: string; metadata?: unknown }[]>('GET', `/keys?${q}`)
        out.push(...page.result.map((k) => ({ key: k.name, metadata: k.metadata })))
        cursor = page.result_info?.cursor ?? ''
      } while (cursor)
      return out
    },
    async getText(key) {
      const res = await doFetch(`${base}/values/${encodeURIComponent(key)}`, { headers })
      if (res.status === 404) {
        return null
      }
      if (!res.ok) {
        throw new Error(`[upload] Cloudflare API GET value ${key}: HTTP ${res.status}`)
      }
      return res.text()
    },
    async putBulk(entries) {
      await call(
        'PUT',
        '/bulk',
        entries.map((e) =>
          typeof e.value === 'string'
            ? { key: e.key, value: e.value, metadata: e.metadata }
            : {
                key: e.key,
                value: Buffer.from(e.value).toString('base64'),
                base64: true,
                metadata: e.metadata,
              }
        )
      )
    },
    async deleteBulk(keys) {
      for (let i = 0; i < keys.length; i += 10_000) {
        await call('POST', '/bulk/delete', keys.slice(i, i + 10_000))
      }
    },
  }
}
