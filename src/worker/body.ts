/**
 * @module
 * Request bodies, read with a size cap before any is buffered, and parsed as JSON.
 */

import { ApiError } from './errors'
import { BODY_SHAPE, MAX_BODY_BYTES } from './schema'

const bad = (message: string): ApiError => new ApiError(400, 'bad_request', message)

/** Read a request body as text, refusing more than MAX_BODY_BYTES before buffering it all. */
export async function readBody(req: Request): Promise<string> {
  const declared = Number(req.headers.get('content-length') ?? '0')
  if (declared > MAX_BODY_BYTES) {
    throw bad(`request body must be at most ${MAX_BODY_BYTES} bytes, got ${declared}`)
  }
  if (!req.body) {
    return ''
  }
  const reader = req.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) {
      break
    }
    size += value.byteLength
    if (size > MAX_BODY_BYTES) {
      await reader.cancel()
      throw bad(`request body must be at most ${MAX_BODY_BYTES} bytes`)
    }
    chunks.push(value)
  }
  const all = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    all.set(chunk, at)
    at += chunk.byteLength
  }
  return new TextDecoder().decode(all)
}

/** The body as JSON (its shape is the route schema's to check), or a 400 naming the shape. */
export async function readJsonBody(req: Request): Promise<unknown> {
  const text = await readBody(req)
  try {
    return JSON.parse(text)
  } catch {
    throw bad(BODY_SHAPE)
  }
}
