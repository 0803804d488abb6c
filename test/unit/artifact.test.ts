import { describe, expect, it } from 'vitest'
import {
  encodeShard,
  encodeShardBody,
  FORMAT_VERSION,
  type Manifest,
  openShard,
  openShardSync,
  type PinEntry,
  type PinRecord,
  parseBlend,
  parseManifest,
  readShardHeader,
  SHARD_HEADER_BYTES,
  ShardReader,
  signatureCosine,
  signatureOf,
} from '../../src/core/artifact'
import { DEFAULT_BLEND } from '../../src/core/defaults'
import { ArtifactError } from '../../src/core/errors'
import { cosine, dequantizeVector, quantizeVector } from '../../src/core/quantize'
import { createRandom } from '../../src/core/random'
import { NODE_SHARD_CODECS, NODE_SHARD_READ } from '../../src/offline/shard-codecs'

const pin = (id: string, vector: Int8Array | null, extra: Partial<PinEntry> = {}): PinEntry => ({
  id,
  title: `Title of ${id}`,
  imageUrl: '',
  link: '',
  engagement: 3,
  recentEngagement: 1,
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

describe('shard codec (format 3)', () => {
  const a = pin('a', Int8Array.from([1, -2, 3, 127]), {
    title: 'Ünïcode, "quotes" & <tags>',
    imageUrl: 'https://x/y.jpg',
    link: 'https://x',
    engagement: 1234567,
    recentEngagement: 89012,
  })
  const b = pin('b/with spaces?', Int8Array.from([-127, 0, 5, 9]))
  const c = pin('c', null)
  const sigB = signatureOf(b.vector!, 4)
  const records: PinRecord[] = [
    {
      pin: a,
      candidates: [
        {
          pin: { ...b, vector: null, signature: sigB },
          sources: 1 | 2,
          scores: { cooc: 0.5, pin2vec: 0.25 },
        },
        { pin: c, sources: 1, scores: { cooc: 0.25 } },
      ],
      maxScores: { cooc: 0.75, pin2vec: 0.5, session: 0, walk: 0.125 },
    },
    { pin: c, candidates: [{ pin: a, sources: 4, scores: { session: 1 } }] },
    { pin: b, candidates: [] },
  ]
  const layout = { dims: 4, vectorDtype: 'int8' as const }
  const place = { index: 3, shardCount: 7, shardTag: '0123456789abcdef' }
  const value = encodeShard(records, layout, place, NODE_SHARD_CODECS)

  it('decodes exactly what was encoded, through the header, checksum and deflate-raw', async () => {
    const header = readShardHeader(value)
    expect(header).toMatchObject({ formatVersion: 3, compression: 'deflate-raw', ...place })
    expect(header.recordCount).toBe(3)
    for (const reader of [
      await openShard(value, place),
      openShardSync(value, place, NODE_SHARD_READ),
    ]) {
      expect(reader.size).toBe(3)
      expect([...reader.ids()].sort()).toEqual(['a', 'b/with spaces?', 'c'])
      const ra = reader.get('a')!
      expect(ra.pin.title).toBe(a.title)
      expect(ra.pin.imageUrl).toBe('https://x/y.jpg')
      expect(ra.pin.link).toBe('https://x')
      expect(ra.pin.engagement).toBe(1234567)
      expect(ra.pin.recentEngagement).toBe(89012)
      expect(ra.candidates[1]!.pin.recentEngagement).toBe(1)
      expect([...ra.pin.vector!]).toEqual([1, -2, 3, 127])
      expect(ra.pin.scale).toBeCloseTo(0.01, 6)
      for (const [source, max] of Object.entries({
        cooc: 0.75,
        pin2vec: 0.5,
        session: 0,
        walk: 0.125,
      })) {
        expect(ra.maxScores![source as keyof typeof ra.maxScores]).toBeCloseTo(max, 4)
      }
      expect(ra.candidates.map((x) => x.pin.id)).toEqual(['b/with spaces?', 'c'])
      expect(ra.candidates[0]!.sources).toBe(3)
      expect(ra.candidates[0]!.scores.cooc).toBeCloseTo(0.5, 4)
      expect(ra.candidates[0]!.scores.pin2vec).toBeCloseTo(0.25, 4)
      expect(ra.candidates[0]!.pin.vector).toBeNull() // candidates carry no vector since format 2
      expect([...ra.candidates[0]!.pin.signature!]).toEqual([...sigB])
      expect(ra.candidates[0]!.pin.title).toBe(b.title)
      expect(ra.candidates[1]!.pin.signature).toBeNull()
      expect(reader.get('c')!.candidates[0]!.scores.session).toBe(1)
      expect(reader.get('b/with spaces?')!.candidates).toEqual([])
      expect(reader.get('missing')).toBeNull()
    }
  })

  it('compresses the body and stores each referenced pin once', () => {
    const raw = encodeShardBody(records, layout)
    expect(readShardHeader(value).rawBytes).toBe(raw.length)
    const once = encodeShardBody([records[0]!], layout).length
    const twice = encodeShardBody(
      [records[0]!, { pin: b, candidates: [{ pin: c, sources: 1, scores: { cooc: 0.1 } }] }],
      layout
    ).length
    // The second record adds its own vector and references, not another copy of c's metadata.
    expect(twice - once).toBeLessThan(c.title.length + 4 + 1 + 4 + 4 + 8 + 8)
  })

  it('round-trips float32 vectors and uncompressed bodies', async () => {
    const f = { ...a, vector: Float32Array.from([0.5, -1.25, 3, 1e-3]), scale: 1 }
    const plain = encodeShard(
      [{ pin: f, candidates: [] }],
      { dims: 4, vectorDtype: 'float32' },
      place,
      { sha256: NODE_SHARD_CODECS.sha256 }
    )
    expect(readShardHeader(plain).compression).toBe('none')
    expect([...(await openShard(plain, place)).get('a')!.pin.vector!]).toEqual([...f.vector])
  })

  it('rejects a corrupted body with a checksum error, before inflating it', async () => {
    const bad = value.slice()
    bad[SHARD_HEADER_BYTES + 5] = (bad[SHARD_HEADER_BYTES + 5]! + 1) & 255
    await expect(openShard(bad, place)).rejects.toMatchObject({ code: 'checksum' })
    expect(() => openShardSync(bad, place, NODE_SHARD_READ)).toThrow(/checksum/)
  })

  it('rejects a shard of another build or another place', async () => {
    await expect(
      openShard(value, { ...place, shardTag: 'ffffffffffffffff' })
    ).rejects.toMatchObject({ code: 'shard_invalid' })
    await expect(openShard(value, { ...place, index: 4 })).rejects.toThrow(/names shard 3\/7/)
  })

  it('rejects format-1 and format-2 shards and a future format with format_version', async () => {
    // A format-1 shard starts with magic "RPS1" and u16 version 1.
    const v1 = Uint8Array.from([0x52, 0x50, 0x53, 0x31, 1, 0, 1, 0, 4, 0, 0, 0, 0, 0, 0, 0])
    await expect(openShard(v1, place)).rejects.toMatchObject({ code: 'format_version' })
    // Format 2 has this header layout but pin entries without recentEngagement.
    for (const version of [2, 4]) {
      const other = value.slice()
      other[4] = version
      await expect(openShard(other, place)).rejects.toMatchObject({ code: 'format_version' })
    }
  })

  it('rejects bytes that are not a shard, truncated shards and corrupt bodies', async () => {
    await expect(openShard(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), place)).rejects.toBeInstanceOf(
      ArtifactError
    )
    await expect(openShard(value.subarray(0, value.length - 3), place)).rejects.toThrow(
      /body bytes/
    )
    const raw = encodeShardBody(records, layout)
    expect(() => new ShardReader(raw.subarray(0, raw.length - 3), layout)).toThrow(/corrupt shard/)
  })

  it('rejects vectors of the wrong width', () => {
    expect(() => encodeShardBody(records, { dims: 8, vectorDtype: 'int8' })).toThrow(/expected 8/)
  })
})

describe('sign signatures', () => {
  it('estimate cosine from sign agreement: 1 for the same signs, -1 for opposite', () => {
    const v = Int8Array.from({ length: 64 }, (_, i) => (i % 3 === 0 ? -5 : 7))
    const neg = Int8Array.from(v, (x) => -x)
    expect(signatureCosine(signatureOf(v, 64), signatureOf(v, 64), 64)).toBe(1)
    expect(signatureCosine(signatureOf(v, 64), signatureOf(neg, 64), 64)).toBeCloseTo(-1, 12)
    const random = createRandom(5)
    const pairs = Array.from({ length: 200 }, () => {
      const x = Float32Array.from({ length: 64 }, () => random.next() - 0.5)
      const y = Float32Array.from(x, (xi) => xi + (random.next() - 0.5) * 0.5)
      return Math.abs(signatureCosine(signatureOf(x, 64), signatureOf(y, 64), 64) - cosine(x, y))
    })
    expect(pairs.reduce((s, e) => s + e, 0) / pairs.length).toBeLessThan(0.15)
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
    maxCandidates: 50,
    shardTag: '0123456789abcdef',
  }

  it('accepts a valid manifest', () => {
    expect(parseManifest(JSON.parse(JSON.stringify(valid))).buildId).toBe('abc123')
  })

  it.each([1, 2, 4])('rejects format version %i with a format_version error', (version) => {
    try {
      parseManifest({ ...valid, formatVersion: version })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(ArtifactError)
      expect((err as ArtifactError).code).toBe('format_version')
    }
  })

  it.each([
    ['an unknown source', { sources: ['cooc', 'magic'] }],
    ['a bad build id', { buildId: '../etc' }],
    ['a missing shard tag', { shardTag: undefined }],
    ['no candidate cap', { maxCandidates: 0 }],
    [
      'a missing blend weight',
      { blend: { ...DEFAULT_BLEND, weights: { ...DEFAULT_BLEND.weights, head: { cooc: 1 } } } },
    ],
  ])('rejects %s', (_, patch) => {
    expect(() => parseManifest({ ...valid, ...patch })).toThrow(/manifest/)
  })

  it('checks blend files with the same rules (parseBlend)', () => {
    expect(parseBlend(DEFAULT_BLEND)).toEqual(DEFAULT_BLEND)
    expect(() => parseBlend({ ...DEFAULT_BLEND, buckets: {} })).toThrow(/tailMax/)
    const scoring = { decay: 0.5, backward: 0.25, popularityExponent: 0 }
    expect(parseBlend({ ...DEFAULT_BLEND, sessionCooc: scoring }).sessionCooc).toEqual(scoring)
    expect(() =>
      parseBlend({ ...DEFAULT_BLEND, sessionCooc: { ...scoring, backward: 2 } })
    ).toThrow(/backward/)
    expect(() =>
      parseBlend({ ...DEFAULT_BLEND, sessionCooc: { decay: 0.5, backward: 1 } })
    ).toThrow(/popularityExponent/)
    // lengthDamping is optional (blends fitted before it was tuned), and checked when present.
    const damped = { ...scoring, lengthDamping: 0 }
    expect(parseBlend({ ...DEFAULT_BLEND, sessionCooc: damped }).sessionCooc).toEqual(damped)
    expect(() =>
      parseBlend({ ...DEFAULT_BLEND, sessionCooc: { ...scoring, lengthDamping: 1.5 } })
    ).toThrow(/lengthDamping/)
  })
})
