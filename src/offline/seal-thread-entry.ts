/**
 * @module
 * Worker-thread entry of the shard seal pool (seal-pool.ts): compresses and hashes each raw shard
 * body it is sent, with the same codecs as the main thread, and posts the result back by id.
 */

import { parentPort } from 'node:worker_threads'
import { sealBody } from '../core/artifact'
import type { SealReply, SealRequest } from './seal-pool'
import { NODE_SHARD_CODECS } from './shard-codecs'

const port = parentPort
if (!port) {
  throw new Error('seal-thread-entry must run in a worker thread started by startSealPool')
}
port.on('message', ({ id, raw }: SealRequest) => {
  const sealed = sealBody(raw, NODE_SHARD_CODECS)
  // Own, exact-size copies: node:zlib and node:crypto may return views of a larger (pooled) buffer,
  // which postMessage would clone whole.
  const body = new Uint8Array(sealed.body)
  const sha256 = new Uint8Array(sealed.sha256)
  const reply: SealReply = { id, body, sha256 }
  port.postMessage(reply, [body.buffer, sha256.buffer])
})
