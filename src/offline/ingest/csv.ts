/**
 * @module
 * Delimited records from lines: RFC 4180 CSV (quotes, doubled quotes, line breaks in quotes) and TSV.
 */

export type RecordHandlers = {
  record(fields: string[], lineNo: number): void
  /** A record that cannot be split; `lineNo` is the line it starts on. */
  malformed(lineNo: number, reason: string, short: string): void
  empty(lineNo: number): void
}

export type RecordSplitter = { line(line: string, lineNo: number): void; end(): void }

const QUOTE = 34

/**
 * Turn lines into records. With `quoted` false (TSV) a record is exactly one line split on the
 * delimiter. With `quoted` true (CSV) a field may be quoted; a line break inside quotes continues the
 * record on the next line and is kept as '\n'. A quote inside an unquoted field is taken literally.
 */
export function createRecordSplitter(
  delimiter: string,
  quoted: boolean,
  on: RecordHandlers
): RecordSplitter {
  // State of a quoted record that continues onto the next line.
  let open = false
  let fields: string[] = []
  let current = ''
  let startLine = 0

  // Scan `line` from the start of a field (or inside a quoted field when `open`); true when the
  // record is complete, false when a quoted field runs on, a string when the record is malformed.
  function scan(line: string): boolean | string {
    let i = 0
    const n = line.length
    for (;;) {
      if (!open) {
        if (line.charCodeAt(i) !== QUOTE) {
          const j = line.indexOf(delimiter, i)
          if (j === -1) {
            fields.push(line.slice(i))
            return true
          }
          fields.push(line.slice(i, j))
          i = j + 1
          continue
        }
        open = true
        current = ''
        i++
      }
      const q = line.indexOf('"', i)
      if (q === -1) {
        current += `${line.slice(i)}\n`
        return false
      }
      current += line.slice(i, q)
      if (line.charCodeAt(q + 1) === QUOTE) {
        current += '"'
        i = q + 2
        continue
      }
      open = false
      fields.push(current)
      current = ''
      i = q + 1
      if (i === n) {
        return true
      }
      if (line[i] !== delimiter) {
        return 'unexpected character after closing quote'
      }
      i++
    }
  }

  return {
    line(line, lineNo) {
      if (!open) {
        if (line === '') {
          on.empty(lineNo)
          return
        }
        // Fast path: most lines have no quotes, and split() is far quicker than a char loop.
        if (!quoted || line.indexOf('"') === -1) {
          on.record(line.split(delimiter), lineNo)
          return
        }
        fields = []
        startLine = lineNo
      }
      const result = scan(line)
      if (result === true) {
        on.record(fields, startLine)
      } else if (typeof result === 'string') {
        open = false
        on.malformed(startLine, result, 'malformed quotes')
      }
    },
    end() {
      if (open) {
        open = false
        on.malformed(startLine, 'unterminated quoted field', 'unterminated quote')
      }
    },
  }
}
