/**
 * @module
 * Timestamp parsing for inputs: ISO-8601 (UTC unless an offset is given) or Unix seconds/milliseconds.
 */

const ZERO = 48
const DASH = 45
const COLON = 58
const PLUS = 43
const DOT = 46
const COMMA = 44

/** Numbers below this are Unix seconds, at or above it milliseconds (1e11 s is the year 5138). */
const SECONDS_LIMIT = 1e11

/** The largest time a JS Date can hold, in ms either side of the epoch. */
const MAX_TIME = 8.64e15

/**
 * Parse a timestamp to Unix milliseconds, or null when it is not one we accept.
 * Accepted: `2010-12-01T08:26:00Z`, `2010-12-01 08:26:00` (no zone means UTC), fractions of a second,
 * offsets `+01:00`/`+0100`/`+01`, a bare date `2010-12-01`, and Unix seconds or milliseconds.
 * @example parseTimestamp('2010-12-01T08:26:00Z') // 1291191960000
 */
export function parseTimestamp(text: string): number | null {
  const s = text.trim()
  if (s.length >= 10 && s.charCodeAt(4) === DASH) {
    return parseIso(s)
  }
  return parseUnix(s)
}

/** A run of `len` ASCII digits at `start` as a number, or -1 if any is not a digit. */
function digits(s: string, start: number, len: number): number {
  let value = 0
  for (let i = start; i < start + len; i++) {
    const d = s.charCodeAt(i) - ZERO
    if (!(d >= 0 && d <= 9)) {
      return -1
    }
    value = value * 10 + d
  }
  return value
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
    return leap ? 29 : 28
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

// Hand-written rather than Date.parse: Date.parse accepts 'Dec 1 2010', reads '1' as 2001 and treats
// zoneless date-times as local time, none of which belongs in a reproducible build.
function parseIso(s: string): number | null {
  const year = digits(s, 0, 4)
  const month = digits(s, 5, 2)
  const day = digits(s, 8, 2)
  if (year < 0 || month < 1 || month > 12 || s.charCodeAt(7) !== DASH) {
    return null
  }
  if (day < 1 || day > daysInMonth(year, month)) {
    return null
  }
  let hour = 0
  let minute = 0
  let second = 0
  let ms = 0
  let offsetMinutes = 0
  let pos = 10
  if (pos < s.length) {
    const sep = s[pos]
    if (sep !== 'T' && sep !== 't' && sep !== ' ') {
      return null
    }
    hour = digits(s, 11, 2)
    minute = digits(s, 14, 2)
    if (hour < 0 || hour > 23 || s.charCodeAt(13) !== COLON || minute < 0 || minute > 59) {
      return null
    }
    pos = 16
    if (s.charCodeAt(pos) === COLON) {
      second = digits(s, pos + 1, 2)
      if (second < 0 || second > 59) {
        return null
      }
      pos += 3
      const mark = s.charCodeAt(pos)
      if (mark === DOT || mark === COMMA) {
        let end = pos + 1
        while (end < s.length && digits(s, end, 1) >= 0) {
          end++
        }
        if (end === pos + 1) {
          return null
        }
        // Keep millisecond precision: pad or cut the fraction to three digits.
        ms = digits(`${s.slice(pos + 1, Math.min(end, pos + 4))}00`, 0, 3)
        pos = end
      }
    }
    if (pos < s.length) {
      const zone = s.charCodeAt(pos)
      if (s[pos] === 'Z' || s[pos] === 'z') {
        pos++
      } else if (zone === PLUS || zone === DASH) {
        const oh = digits(s, pos + 1, 2)
        pos += 3
        let om = 0
        if (s.charCodeAt(pos) === COLON) {
          pos++
        }
        if (pos < s.length) {
          om = digits(s, pos, 2)
          pos += 2
        }
        if (oh < 0 || oh > 23 || om < 0 || om > 59) {
          return null
        }
        offsetMinutes = (zone === PLUS ? 1 : -1) * (oh * 60 + om)
      }
      if (pos !== s.length) {
        return null
      }
    }
  }
  const date = new Date(0)
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  date.setUTCFullYear(year, month - 1, day)
  date.setUTCHours(hour, minute, second, ms)
  return date.getTime() - offsetMinutes * 60_000
}

function parseUnix(s: string): number | null {
  let i = s.charCodeAt(0) === DASH ? 1 : 0
  const start = i
  while (i < s.length && digits(s, i, 1) >= 0) {
    i++
  }
  if (i === start) {
    return null
  }
  if (i < s.length) {
    if (s.charCodeAt(i) !== DOT) {
      return null
    }
    const fraction = ++i
    while (i < s.length && digits(s, i, 1) >= 0) {
      i++
    }
    if (i === fraction || i < s.length) {
      return null
    }
  }
  const value = Number(s)
  const time = Math.round(Math.abs(value) < SECONDS_LIMIT ? value * 1000 : value)
  return Math.abs(time) <= MAX_TIME ? time : null
}
