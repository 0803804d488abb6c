/**
 * @module
 * A small per-isolate memo of finished answers, checked before the Cache API: repeated requests
 * for the same (build, normalised request) cost neither a Cache API round trip nor ranking. It is
 * bounded in bytes (isolates have 128 MB) and keyed with the build id, so builds never mix.
 */

type Entry = { body: ArrayBuffer; status: number; headers: [string, string][] }

export class ResponseMemo {
  private readonly entries = new Map<string, Entry>()
  private bytes = 0

  constructor(private readonly maxBytes: number) {}

  get(key: string): Response | null {
    const entry = this.entries.get(key)
    if (!entry) {
      return null
    }
    // Re-insert to mark as most recently used.
    this.entries.delete(key)
    this.entries.set(key, entry)
    return new Response(entry.body, { status: entry.status, headers: entry.headers })
  }

  async put(key: string, res: Response): Promise<void> {
    const body = await res.clone().arrayBuffer()
    if (body.byteLength > this.maxBytes / 16 || this.entries.has(key)) {
      return
    }
    this.entries.set(key, { body, status: res.status, headers: [...res.headers] })
    this.bytes += body.byteLength
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) {
        break
      }
      this.entries.delete(oldest)
      this.bytes -= entry.body.byteLength
    }
  }

  get size(): number {
    return this.entries.size
  }
}

/** 8 MiB of answers: a few thousand JSON answers at k=20. */
export const responseMemo = new ResponseMemo(8 * 1024 * 1024)
