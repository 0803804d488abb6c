/**
 * @module
 * Validation of untrusted JSON at the reader's boundary: manifests, and blend files given to the
 * build (`--blend`), which are checked exactly as the worker checks a manifest's blend.
 */

import { ArtifactError } from '../errors'
import { FEATURE_NAMES } from '../features'
import { SESSION_FEATURE_NAMES } from '../session-model'
import { type BlendParams, BUCKETS, FORMAT_VERSION, type Manifest, SOURCES } from './format'

const fail = (message: string): never => {
  throw new ArtifactError('manifest_invalid', `manifest: ${message}`)
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x)

function field<T>(
  obj: Record<string, unknown>,
  key: string,
  check: (v: unknown) => v is T,
  what: string
): T {
  const v = obj[key]
  if (!check(v)) {
    fail(`'${key}' must be ${what}, got ${JSON.stringify(v)?.slice(0, 60)}`)
  }
  return v as T
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0
const isString = (v: unknown): v is string => typeof v === 'string'
const isArray = (v: unknown): v is unknown[] => Array.isArray(v)
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

/** Check blend parameters (buckets, per-bucket weights, optional learned model). */
export function parseBlend(x: unknown): BlendParams {
  if (!isObject(x)) {
    return fail(`'blend' must be an object, got ${JSON.stringify(x)?.slice(0, 60)}`)
  }
  const buckets = field(x, 'buckets', isObject, 'an object')
  field(buckets, 'tailMax', (v): v is number => typeof v === 'number', 'a number')
  field(buckets, 'torsoMax', (v): v is number => typeof v === 'number', 'a number')
  const weights = field(x, 'weights', isObject, 'an object')
  for (const bucket of BUCKETS) {
    const w = field(weights, bucket, isObject, 'an object')
    for (const source of SOURCES) {
      field(w, source, isFiniteNumber, 'a finite number')
    }
  }
  if (x.model !== undefined && x.model !== null) {
    const model = field(x, 'model', isObject, 'an object or null')
    const features = field(model, 'features', isArray, 'an array')
    if (model.kind !== 'logistic' || features.join('|') !== FEATURE_NAMES.join('|')) {
      fail(
        'blend.model was fitted on other features than this reader computes; rebuild the artifacts'
      )
    }
    for (const key of ['weights', 'mean', 'scale']) {
      const values = field(model, key, isArray, 'an array')
      if (values.length !== FEATURE_NAMES.length || !values.every(isFiniteNumber)) {
        fail(`blend.model.${key} must hold ${FEATURE_NAMES.length} finite numbers`)
      }
    }
    field(model, 'bias', isFiniteNumber, 'a finite number')
  }
  if (x.sessionCooc !== undefined && x.sessionCooc !== null) {
    const scoring = field(x, 'sessionCooc', isObject, 'an object or null')
    const unit = (v: unknown): v is number => isFiniteNumber(v) && v >= 0 && v <= 1
    for (const key of ['decay', 'backward', 'popularityExponent']) {
      field(scoring, key, unit, 'a number in [0, 1]')
    }
    if (scoring.lengthDamping !== undefined) {
      field(scoring, 'lengthDamping', unit, 'a number in [0, 1]')
    }
  }
  if (x.session !== undefined && x.session !== null) {
    const session = field(x, 'session', isObject, 'an object or null')
    for (const key of ['recencyDecay', 'contextWeight']) {
      field(session, key, (v): v is number => isFiniteNumber(v) && v >= 0, 'a finite number >= 0')
    }
    if (session.model !== null && session.model !== undefined) {
      const model = field(session, 'model', isObject, 'an object or null')
      const features = field(model, 'features', isArray, 'an array')
      if (features.join('|') !== SESSION_FEATURE_NAMES.join('|')) {
        fail(
          'blend.session.model was fitted on other features than this reader computes; rebuild the artifacts'
        )
      }
      for (const key of ['weights', 'mean', 'scale']) {
        const values = field(model, key, isArray, 'an array')
        if (values.length !== SESSION_FEATURE_NAMES.length || !values.every(isFiniteNumber)) {
          fail(
            `blend.session.model.${key} must hold ${SESSION_FEATURE_NAMES.length} finite numbers`
          )
        }
      }
      field(model, 'bias', isFiniteNumber, 'a finite number')
    }
  }
  return x as unknown as BlendParams
}

/** Parse and check a manifest; throws ArtifactError ('format_version' or 'manifest_invalid'). */
export function parseManifest(x: unknown): Manifest {
  if (!isObject(x)) {
    return fail('not a JSON object')
  }
  if (x.formatVersion !== FORMAT_VERSION) {
    throw new ArtifactError(
      'format_version',
      `manifest format version ${JSON.stringify(x.formatVersion)}; this reader understands ${FORMAT_VERSION}. Rebuild the artifacts with the same related-pins version as the worker.`
    )
  }
  field(
    x,
    'buildId',
    (v): v is string => isString(v) && /^[A-Za-z0-9_-]{1,64}$/.test(v),
    'a short id'
  )
  field(x, 'createdAt', isString, 'a string')
  field(x, 'pinCount', isCount, 'a count')
  field(x, 'shardCount', (v): v is number => isCount(v) && v > 0, 'a positive count')
  field(x, 'dims', isCount, 'a count')
  field(
    x,
    'vectorDtype',
    (v): v is string => v === 'int8' || v === 'float32' || v === 'none',
    "'int8', 'float32' or 'none'"
  )
  const sources = field(x, 'sources', isArray, 'an array')
  for (const s of sources) {
    if (!(SOURCES as readonly unknown[]).includes(s)) {
      fail(`unknown source ${JSON.stringify(s)}`)
    }
  }
  field(x, 'maxCandidates', (v): v is number => isCount(v) && v > 0, 'a positive count')
  field(x, 'shardTag', (v): v is string => isString(v) && /^[0-9a-f]{16}$/.test(v), '16 hex chars')
  field(x, 'popular', isArray, 'an array')
  parseBlend(x.blend)
  return x as unknown as Manifest
}

/** Hex SHA-256 of bytes (Web Crypto: available in workerd and Node 20). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes)
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}
