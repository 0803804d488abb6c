import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BuildError } from '../../src/offline/errors'
import { generateWorld, readTruth, type World, writeWorld } from '../../src/offline/generate/index'

const OPTIONS = { pins: 800, seed: 7 }
const FILES = [
  'boards-truth.csv',
  'boards.csv',
  'events.csv',
  'pins.csv',
  'truth.csv',
  'world.json',
]

let root = ''
let world: World

async function readAll(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>()
  for (const name of (await readdir(dir)).sort()) {
    files.set(name, await readFile(join(dir, name), 'utf8'))
  }
  return files
}

/** A minimal RFC 4180 line splitter, independent of the writer under test. */
function parseCsvLine(line: string): string[] {
  const fields: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') {
        quoted = false
      } else {
        field += c
      }
    } else if (c === '"') {
      quoted = true
    } else if (c === ',') {
      fields.push(field)
      field = ''
    } else {
      field += c
    }
  }
  fields.push(field)
  return fields
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'related-pins-generate-'))
  world = generateWorld(OPTIONS)
  await writeWorld(world, join(root, 'a'))
})

afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('generateWorld determinism', () => {
  it('writes byte-identical files for the same options', async () => {
    await writeWorld(generateWorld(OPTIONS), join(root, 'b'))
    const a = await readAll(join(root, 'a'))
    const b = await readAll(join(root, 'b'))
    expect([...a.keys()]).toEqual(FILES)
    for (const name of FILES) {
      expect(b.get(name), name).toBe(a.get(name))
    }
  })

  it('gives a different world for a different seed', async () => {
    await writeWorld(generateWorld({ ...OPTIONS, seed: 8 }), join(root, 'c'))
    const a = await readAll(join(root, 'a'))
    const c = await readAll(join(root, 'c'))
    for (const name of ['pins.csv', 'events.csv', 'boards.csv']) {
      expect(c.get(name), name).not.toBe(a.get(name))
    }
  })

  it('rejects impossible options with a BuildError', () => {
    expect(() => generateWorld({ pins: 100, topics: 50 })).toThrow(BuildError)
    expect(() => generateWorld({ pins: 10.5 })).toThrow(/pins must be an integer/)
  })
})

describe('generated files', () => {
  it('writes the documented headers and a summary matching the rows', async () => {
    const dir = join(root, 'a')
    const lines = async (name: string) =>
      (await readFile(join(dir, name), 'utf8')).trimEnd().split('\n')
    const counts = world.summary.counts
    expect((await lines('pins.csv'))[0]).toBe('pin_id,title,image_url,link')
    expect((await lines('truth.csv'))[0]).toBe('pin_id,topic_id,topic_name')
    expect((await lines('boards.csv'))[0]).toBe('board_id,pin_id,created_at')
    expect((await lines('boards-truth.csv'))[0]).toBe('board_id,kind')
    const events = await lines('events.csv')
    expect(events[0]).toBe('user_id,pin_id,action,timestamp')
    expect(events).toHaveLength(counts.events + 1)
    expect(await lines('boards.csv')).toHaveLength(counts.memberships + 1)
    const iso = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/.source
    expect(events[1]).toMatch(
      new RegExp(`^u[0-9a-f]{10},[0-9a-f]{12},(closeup|click|save),${iso}$`)
    )
    const summary = JSON.parse(await readFile(join(dir, 'world.json'), 'utf8'))
    expect(summary.counts).toEqual(counts)
    expect(summary.options).toMatchObject({ pins: 800, seed: 7, topics: 8, users: 480, weeks: 6 })
  })

  it('quotes titles per RFC 4180 so commas, quotes and ampersands round-trip', async () => {
    const text = await readFile(join(root, 'a', 'pins.csv'), 'utf8')
    const rows = text.trimEnd().split('\n').slice(1)
    const titles = rows.map((row) => {
      const fields = parseCsvLine(row)
      expect(fields).toHaveLength(4)
      return fields[1]
    })
    expect(titles).toEqual(world.pins.map((p) => p.title))
    expect(titles.some((t) => t?.includes(','))).toBe(true)
    expect(titles.some((t) => t?.includes('"'))).toBe(true)
    expect(titles.some((t) => t?.includes('&'))).toBe(true)
    expect(new Set(titles).size).toBeGreaterThan(0.95 * titles.length)
  })

  it('reads the ground truth back as pin id to topic id', async () => {
    const truth = await readTruth(join(root, 'a'))
    expect(truth.size).toBe(800)
    for (const pin of world.pins) {
      expect(truth.get(pin.id)).toBe(pin.topic)
    }
  })
})

describe('generated statistics', () => {
  it('has Zipf popularity: the top 1% of pins take a large share, with a long tail', () => {
    const perPin = new Int32Array(world.pins.length)
    for (const pin of world.events.pin) {
      perPin[pin]!++
    }
    const sorted = Array.from(perPin).sort((a, b) => b - a)
    const top = sorted.slice(0, Math.ceil(sorted.length / 100)).reduce((a, b) => a + b, 0)
    expect(top / world.events.length).toBeGreaterThan(0.15)
    // Roughly 30 events per pin on average, yet the median pin sees far fewer.
    expect(world.events.length / world.pins.length).toBeGreaterThan(25)
    expect(world.events.length / world.pins.length).toBeLessThan(40)
    expect(sorted[sorted.length >> 1]!).toBeLessThan(world.events.length / world.pins.length / 2)
  })

  it('keeps most session events on the session topic', () => {
    const { events, sessions, pins } = world
    let onTopic = 0
    const perSession = new Int32Array(sessions.length)
    const onPerSession = new Int32Array(sessions.length)
    for (let i = 0; i < events.length; i++) {
      const s = events.session[i]!
      perSession[s]!++
      if (pins[events.pin[i]!]!.topic === sessions.topic[s]) {
        onTopic++
        onPerSession[s]!++
      }
    }
    expect(onTopic / events.length).toBeGreaterThan(0.8)
    expect(onTopic / events.length).toBeLessThan(0.97)
    let mostlyOn = 0
    for (let s = 0; s < sessions.length; s++) {
      expect(perSession[s]!).toBeGreaterThanOrEqual(2)
      expect(perSession[s]!).toBeLessThanOrEqual(30)
      if (onPerSession[s]! / perSession[s]! >= 0.5) {
        mostlyOn++
      }
    }
    expect(mostlyOn / sessions.length).toBeGreaterThan(0.9)
  })

  it('separates a user sessions by at least an hour and events within one by 5-180 s', () => {
    const { events, options } = world
    const last = new Map<number, { session: number; time: number }>()
    const end = options.start + options.weeks * 7 * 86400_000
    const violations: string[] = []
    for (let i = 0; i < events.length; i++) {
      const time = events.timestamp[i]!
      const session = events.session[i]!
      if (time < options.start || time >= end) {
        violations.push(`event ${i} outside the span`)
      }
      const previous = last.get(events.user[i]!)
      if (previous) {
        const gap = (time - previous.time) / 1000
        const ok = previous.session === session ? gap >= 5 && gap <= 180 : gap >= 3600
        if (!ok) {
          violations.push(`event ${i}: ${gap} s after the user's previous event`)
        }
      }
      last.set(events.user[i]!, { session, time })
    }
    expect(violations).toEqual([])
  })

  it('makes topic, catch-all and spam boards, and puts nearly every pin on one', () => {
    const { boards, pins, options } = world
    const kinds = new Map<string, number>()
    const onBoard = new Set<number>()
    let topicMembers = 0
    let topicOnTopic = 0
    for (const board of boards) {
      kinds.set(board.kind, (kinds.get(board.kind) ?? 0) + 1)
      for (const pin of board.pins) {
        onBoard.add(pin)
      }
      expect(new Set(board.pins).size).toBe(board.pins.length)
      expect(board.createdAt).toBeGreaterThanOrEqual(options.start)
      expect(board.addedAt[0]).toBe(board.createdAt)
      if (board.kind === 'topic') {
        expect(board.pins.length).toBeGreaterThanOrEqual(3)
        expect(board.pins.length).toBeLessThanOrEqual(60)
        const members = Array.from(board.pins)
        const inTopic = members.filter((pin) => pins[pin]!.topic === board.topic).length
        expect(inTopic / board.pins.length).toBeGreaterThanOrEqual(0.5)
        topicMembers += board.pins.length
        topicOnTopic += inTopic
      } else {
        expect(board.pins.length).toBeGreaterThanOrEqual(200)
      }
    }
    expect(kinds.get('catchall')).toBeGreaterThanOrEqual(2)
    expect(kinds.get('spam')).toBeGreaterThanOrEqual(1)
    expect(topicOnTopic / topicMembers).toBeGreaterThan(0.9)
    expect(onBoard.size / pins.length).toBeGreaterThanOrEqual(0.9)
    const memberships = world.summary.counts.memberships / pins.length
    expect(memberships).toBeGreaterThan(8)
    expect(memberships).toBeLessThan(12)
  })
})
