import { describe, expect, it } from 'vitest'
import {
  encodeShard,
  FORMAT_VERSION,
  type Manifest,
  type PinEntry,
  type PinRecord,
  parseManifest,
  ShardReader,
} from '../../src/core/artifact'
import { DEFAULT_BLEND } from '../../src/core/defaults'
import { ArtifactError } from '../../src/core/errors'
import { cosine, dequantizeVector, quantizeVector } from '../../src/core/quantize'
import { createRandom } from '../../src/core/random'

const pin = (id: string, vector: Int8Array | null, extra: Partial<PinEntry> = {}): PinEntry => ({
  id,
  title: `Title of ${id}`,
  imageUrl: '',
  link: '',
  engagement: 3,
  vector,
  scale: 0.01,
  ...extra,
})

describe('quantizeVector', () => {
  it('round-trips every component within scale / 2', () => {
    const random = createRandom(7)
    for (let trial = 0; trial < 50; trial++) {
      const v = Float32Array.from({ length: 64 }, () => (random.next() - 0.5) * (trial + 1))
      const { q, scale } = quantizeVector(v)
      const back = dequantizeVector(q, scale)
      for (let i = 0; i < v.length; i++) {
        expect(Math.abs(back[i]! - v[i]!)).toBeLessThanOrEqual(scale / 2 + 1e-6)
      }
    }
  })

  it('keeps cosine close to the float cosine', () => {
    const random = createRandom(3)
    const a = Float32Array.from({ length: 64 }, () => random.next() - 0.5)
    const b = Float32Array.from({ length: 64 }, () => random.next() - 0.5)
    expect(Math.abs(cosine(quantizeVector(a).q, quantizeVector(b).q) - cosine(a, b))).toBeLessThan(
      0.02
    )
  })

  it('maps an all-zero vector to zeros with a usable scale', () => {
    const { q, scale } = quantizeVector(new Float32Array(4))
    expect([...q]).toEqual([0, 0, 0, 0])
    expect(scale).toBe(1)
  })
})

describe('shard codec', () => {
  const a = pin('a', Int8Array.from([1, -2, 3, 127]), {
    title: 'Ünïcode, "quotes" & <tags>',
    imageUrl: 'https://x/y.jpg',
    link: 'https://x',
    engagement: 1234567,
  })
  const b = pin('b/with spaces?', Int8Array.from([-127, 0, 5, 9]))
  const c = pin('c', null)
  const records: PinRecord[] = [
    {
      pin: a,
      candidates: [
        { pin: b, sources: 1 | 2, scores: { cooc: 0.5 } },
        { pin: c, sources: 1, scores: { cooc: 0.25 } },
      ],
    },
    { pin: c, candidates: [{ pin: a, sources: 4, scores: { session: 1 } }] },
    { pin: b, candidates: [] },
  ]

  it('decodes exactly what was encoded', () => {
    const reader = new ShardReader(encodeShard(records, { dims: 4, vectorDtype: 'int8' }))
    expect(reader.size).toBe(3)
    expect([...reader.ids()].sort()).toEqual(['a', 'b/with spaces?', 'c'])
    const ra = reader.get('a')!
    expect(ra.pin.title).toBe(a.title)
    expect(ra.pin.imageUrl).toBe('https://x/y.jpg')
    expect(ra.pin.engagement).toBe(1234567)
    expect([...ra.pin.vector!]).toEqual([1, -2, 3, 127])
    expect(ra.pin.scale).toBeCloseTo(0.01, 6)
    expect(ra.candidates.map((x) => x.pin.id)).toEqual(['b/with spaces?', 'c'])
    expect(ra.candidates[0]!.sources).toBe(3)
    expect(ra.candidates[0]!.scores.cooc).toBeCloseTo(0.5, 4)
    expect(ra.candidates[1]!.pin.vector).toBeNull()
    expect(reader.get('c')!.candidates[0]!.scores.session).toBe(1)
    expect(reader.get('b/with spaces?')!.candidates).toEqual([])
    expect(reader.get('missing')).toBeNull()
  })

  it('stores each referenced pin once', () => {
    const once = encodeShard([records[0]!], { dims: 4, vectorDtype: 'int8' }).length
    const twice = encodeShard(
      [records[0]!, { pin: b, candidates: [{ pin: c, sources: 1, scores: { cooc: 0.1 } }] }],
      { dims: 4, vectorDtype: 'int8' }
    ).length
    // The second record adds only its references (a few bytes), not another copy of b and c.
    expect(twice - once).toBeLessThan(10)
  })

  it('round-trips float32 vectors', () => {
    const f = { ...a, vector: Float32Array.from([0.5, -1.25, 3, 1e-3]), scale: 1 }
    const reader = new ShardReader(
      encodeShard([{ pin: f, candidates: [] }], { dims: 4, vectorDtype: 'float32' })
    )
    expect([...reader.get('a')!.pin.vector!]).toEqual([...f.vector])
  })

  it('rejects bytes that are not a shard, and truncated shards', () => {
    expect(() => new ShardReader(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(ArtifactError)
    const bytes = encodeShard(records, { dims: 4, vectorDtype: 'int8' })
    expect(() => new ShardReader(bytes.subarray(0, bytes.length - 3))).toThrow(/corrupt shard/)
  })

  it('rejects vectors of the wrong width', () => {
    expect(() => encodeShard(records, { dims: 8, vectorDtype: 'int8' })).toThrow(/expected 8/)
  })
})

describe('parseManifest', () => {
  const valid: Manifest = {
    formatVersion: FORMAT_VERSION,
    buildId: 'abc123',
    createdAt: '2026-01-01T00:00:00Z',
    pinCount: 3,
    shardCount: 1,
    dims: 4,
    vectorDtype: 'int8',
    sources: ['cooc', 'pin2vec'],
    blend: DEFAULT_BLEND,
    popular: [],
    shards: [{ index: 0, recordCount: 3, byteLength: 10, sha256: 'x' }],
  }

  it('accepts a valid manifest', () => {
    expect(parseManifest(JSON.parse(JSON.stringify(valid))).buildId).toBe('abc123')
  })

  it('rejects another format version with a format_version error', () => {
    try {
      parseManifest({ ...valid, formatVersion: 2 })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(ArtifactError)
      expect((err as ArtifactError).code).toBe('format_version')
    }
  })

  it.each([
    ['a missing shard entry', { shards: [] }],
    ['an unknown source', { sources: ['cooc', 'magic'] }],
    ['a bad build id', { buildId: '../etc' }],
    [
      'a missing blend weight',
      { blend: { ...DEFAULT_BLEND, weights: { ...DEFAULT_BLEND.weights, head: { cooc: 1 } } } },
    ],
  ])('rejects %s', (_, patch) => {
    expect(() => parseManifest({ ...valid, ...patch })).toThrow(/manifest/)
  })
})
