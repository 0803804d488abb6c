/**
 * @module
 * Save and load a Pin2Vec result as one little-endian binary file:
 * "P2V1" | u32 header length | header JSON | trained[vocabSize] | pad to 4 | f32[vocabSize * dims].
 */

import { readFile, writeFile } from 'node:fs/promises'
import { endianness } from 'node:os'
import * as tf from '@tensorflow/tfjs'
import { BuildError } from '../errors'
import { useCpuBackend } from './backend'
import type { Pin2VecResult } from './train'

const MAGIC = 'P2V1'

type Header = {
  vocabSize: number
  dims: number
  /** JSON has no NaN: an epoch without a loss sample is stored as null. */
  lossPerEpoch: (number | null)[]
  pairs: number
  /** Absent in files written before it was recorded. */
  effectiveWords?: number
  seconds: number
  pairsPerSec: number
}

function assertLittleEndian(): void {
  // The tables are copied byte for byte; every machine this runs on is little-endian.
  if (endianness() !== 'LE') {
    throw new BuildError('write', 'pin2vec embedding files are little-endian; this machine is not')
  }
}

export async function saveEmbeddings(result: Pin2VecResult, path: string): Promise<void> {
  assertLittleEndian()
  const [vocabSize, dims] = result.embeddings.shape
  const header: Header = {
    vocabSize,
    dims,
    lossPerEpoch: result.lossPerEpoch.map((x) => (Number.isFinite(x) ? x : null)),
    pairs: result.pairs,
    effectiveWords: result.effectiveWords,
    seconds: result.seconds,
    pairsPerSec: result.pairsPerSec,
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8')
  const prefix = 8 + json.length + vocabSize
  const padding = (4 - (prefix % 4)) % 4
  const values = result.embeddings.dataSync()
  const out = Buffer.alloc(prefix + padding + values.byteLength)
  out.write(MAGIC, 0, 'latin1')
  out.writeUInt32LE(json.length, 4)
  json.copy(out, 8)
  out.set(result.trained, 8 + json.length)
  out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), prefix + padding)
  await writeFile(path, out)
}

export async function loadEmbeddings(path: string): Promise<Pin2VecResult> {
  assertLittleEndian()
  await useCpuBackend()
  const bytes = await readFile(path)
  if (bytes.length < 8 || bytes.toString('latin1', 0, 4) !== MAGIC) {
    throw new BuildError('train', `${path}: not a pin2vec embedding file`)
  }
  const jsonLength = bytes.readUInt32LE(4)
  const header = JSON.parse(bytes.toString('utf8', 8, 8 + jsonLength)) as Header
  const { vocabSize, dims } = header
  const prefix = 8 + jsonLength + vocabSize
  const offset = prefix + ((4 - (prefix % 4)) % 4)
  if (bytes.length !== offset + vocabSize * dims * 4) {
    throw new BuildError(
      'train',
      `${path}: expected ${offset + vocabSize * dims * 4} bytes, found ${bytes.length}`
    )
  }
  const trained = new Uint8Array(bytes.subarray(8 + jsonLength, prefix))
  // Copy out of Node's pooled buffer, whose offset need not be 4-byte aligned.
  const values = new Float32Array(vocabSize * dims)
  new Uint8Array(values.buffer).set(bytes.subarray(offset))
  return {
    embeddings: tf.tensor2d(values, [vocabSize, dims]),
    trained,
    lossPerEpoch: header.lossPerEpoch.map((x) => x ?? Number.NaN),
    pairs: header.pairs,
    effectiveWords: header.effectiveWords ?? 0,
    seconds: header.seconds,
    pairsPerSec: header.pairsPerSec,
  }
}
