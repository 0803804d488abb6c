/**
 * @module
 * Writes a generated world as the CSV inputs the build reads (boards, events, pins) plus ground
 * truth (truth.csv, boards-truth.csv) and a world.json summary. Output is byte-for-byte
 * deterministic: no wall-clock times, fixed row order, LF line endings.
 */

import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { BuildError } from '../errors'
import { ACTIONS, type World, type WorldSummary } from './types'

/** Buffer this many characters before writing: few syscalls, bounded memory. */
const CHUNK_CHARS = 1 << 20

/** One CSV field per RFC 4180: quoted when it holds a comma, quote or line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

/** ISO-8601 in UTC, without milliseconds when they are zero (generated times are whole seconds). */
export function isoTime(ms: number): string {
  const text = new Date(ms).toISOString()
  return text.endsWith('.000Z') ? `${text.slice(0, 19)}Z` : text
}

async function writeCsv(
  path: string,
  header: string,
  count: number,
  row: (i: number) => string
): Promise<void> {
  const out = createWriteStream(path, { encoding: 'utf8' })
  // events.once rejects on 'error', and a listener is attached at every await: nothing is lost.
  try {
    let chunk = `${header}\n`
    for (let i = 0; i < count; i++) {
      chunk += `${row(i)}\n`
      if (chunk.length >= CHUNK_CHARS) {
        if (!out.write(chunk)) {
          await once(out, 'drain')
        }
        chunk = ''
      }
    }
    out.end(chunk)
    await once(out, 'finish')
  } catch (error) {
    out.destroy()
    throw new BuildError('generate', `cannot write ${path}`, { cause: error })
  }
}

/** Write the world's files into `dir` (created if missing) and return its summary. */
export async function writeWorld(world: World, dir: string): Promise<WorldSummary> {
  await mkdir(dir, { recursive: true })
  const { pins, topics, users, boards, events } = world

  const pinRows = pins.map((p) => [p.id, p.title, p.imageUrl, p.link].map(csvField).join(','))
  const pinHeader = 'pin_id,title,image_url,link'
  await writeCsv(join(dir, 'pins.csv'), pinHeader, pinRows.length, (i) => pinRows[i]!)

  await writeCsv(join(dir, 'truth.csv'), 'pin_id,topic_id,topic_name', pins.length, (i) => {
    const pin = pins[i]!
    return `${pin.id},${pin.topic},${csvField(topics[pin.topic]!.name)}`
  })

  // Flatten memberships as (board, position) so rows stream in board order.
  const memberships: number[] = []
  boards.forEach((board, b) => {
    for (let k = 0; k < board.pins.length; k++) {
      memberships.push(b, k)
    }
  })
  const boardHeader = 'board_id,pin_id,created_at'
  await writeCsv(join(dir, 'boards.csv'), boardHeader, memberships.length / 2, (i) => {
    const board = boards[memberships[2 * i]!]!
    const k = memberships[2 * i + 1]!
    return `${board.id},${pins[board.pins[k]!]!.id},${isoTime(board.addedAt[k]!)}`
  })

  await writeCsv(join(dir, 'boards-truth.csv'), 'board_id,kind', boards.length, (i) => {
    const board = boards[i]!
    return `${board.id},${board.kind}`
  })

  await writeCsv(join(dir, 'events.csv'), 'user_id,pin_id,action,timestamp', events.length, (i) => {
    const user = users[events.user[i]!]!.id
    const pin = pins[events.pin[i]!]!.id
    return `${user},${pin},${ACTIONS[events.action[i]!]},${isoTime(events.timestamp[i]!)}`
  })

  await writeFile(join(dir, 'world.json'), `${JSON.stringify(world.summary, null, 2)}\n`)
  return world.summary
}

/** Ground truth from a written world: pin id → topic id. */
export async function readTruth(dir: string): Promise<Map<string, number>> {
  const path = join(dir, 'truth.csv')
  const text = await readFile(path, 'utf8')
  const truth = new Map<string, number>()
  const lines = text.split('\n')
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!
    if (line === '') {
      continue
    }
    // pin_id and topic_id are never quoted; only the topic name after them might be.
    const first = line.indexOf(',')
    const second = line.indexOf(',', first + 1)
    const topic = Number(line.slice(first + 1, second))
    if (first <= 0 || second < 0 || !Number.isInteger(topic)) {
      throw new BuildError('generate', `${path}:${i + 1}: expected pin_id,topic_id,topic_name`)
    }
    truth.set(line.slice(0, first), topic)
  }
  return truth
}
