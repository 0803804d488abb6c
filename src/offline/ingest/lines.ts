/**
 * @module
 * Splits a stream of text chunks into physical lines, numbered from 1, without a trailing CR.
 */

export type LineSink = (line: string, lineNo: number) => void

export type LineSplitter = { push(chunk: string): void; end(): void }

/**
 * Feed chunks with `push` and call `end` once; `onLine` runs synchronously for every complete line.
 * A final line without a newline is still delivered; an empty tail after the last newline is not.
 */
export function createLineSplitter(onLine: LineSink): LineSplitter {
  let carry = ''
  let lineNo = 0
  let first = true
  const emit = (line: string): void => {
    lineNo++
    // Strip only the CR of a CRLF ending: ids are kept byte for byte otherwise.
    onLine(line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line, lineNo)
  }
  return {
    push(chunk) {
      let text = carry === '' ? chunk : carry + chunk
      if (first && text.length > 0) {
        first = false
        // A UTF-8 byte-order mark (Excel writes one) would otherwise end up in the first header name.
        if (text.charCodeAt(0) === 0xfeff) {
          text = text.slice(1)
        }
      }
      let pos = 0
      let nl = text.indexOf('\n')
      while (nl !== -1) {
        emit(text.slice(pos, nl))
        pos = nl + 1
        nl = text.indexOf('\n', pos)
      }
      carry = pos === 0 ? text : text.slice(pos)
    },
    end() {
      if (carry !== '') {
        emit(carry)
        carry = ''
      }
    },
  }
}
