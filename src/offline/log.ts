/**
 * @module
 * Build logging on stderr (stdout stays free for JSON): one line per stage, progress for every
 * long loop, and a closing line with wall time and peak memory.
 *
 * On a terminal a counter redraws one line (count, rate, ETA) a few times a second; elsewhere (CI,
 * a file) it prints plain lines at most every `intervalMs`, so logs stay readable and short.
 */

export type Counter = {
  /** Count `n` more items done (cheap: the clock is read at most every 1,024 calls). */
  add(n?: number): void
  /** Set the count outright (for loops that know their position). */
  set(done: number): void
  /** Finish: the last count, rate and elapsed time on one plain line; returns seconds. */
  end(summary?: string): number
}

export type CounterOptions = {
  /** Items expected (gives percent and ETA); omit when unknown. */
  total?: number
  /** What is counted, plural ("rows", "queries"). */
  unit: string
}

export type Logger = {
  info(message: string): void
  /** Start a stage; call the returned function to log its end with the elapsed time. */
  step(stage: string, message?: string): (summary?: string) => number
  /** Progress lines at most every `intervalMs`; `force` prints regardless. */
  progress(stage: string, message: string, force?: boolean): void
  /** A progress counter for one loop of a stage (see the module comment for TTY vs plain). */
  counter(stage: string, what: string, options: CounterOptions): Counter
  /** The closing line: wall time since the logger was created and peak resident memory. */
  summary(label: string): void
}

export type LoggerOptions = {
  silent?: boolean
  /** Plain-line throttle (default 10 s off a terminal, 2 s for `progress`). */
  intervalMs?: number
  /** Redraw one line in place; default: stderr is a terminal and CI is not set. */
  tty?: boolean
  /** Where lines go (default process.stderr). */
  write?: (text: string) => void
  /** Clock in ms (tests). */
  now?: () => number
}

/** Peak resident set size of this process so far, in bytes (what `/usr/bin/time -v` reports). */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = bytes
  let u = 0
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) {
    return '?'
  }
  if (seconds < 60) {
    return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`
  }
  const m = Math.floor(seconds / 60)
  const s = Math.round(seconds - m * 60)
  return m < 60 ? `${m} min ${s} s` : `${Math.floor(m / 60)} h ${m % 60} min`
}

const rate = (n: number, seconds: number): string =>
  `${Math.round(n / Math.max(seconds, 1e-9)).toLocaleString('en')}/s`

export function createLogger(options?: LoggerOptions): Logger {
  const silent = options?.silent ?? false
  const tty = options?.tty ?? (Boolean(process.stderr.isTTY) && !process.env.CI)
  const progressMs = options?.intervalMs ?? 2000
  const counterMs = tty ? 250 : (options?.intervalMs ?? 10_000)
  const now = options?.now ?? (() => performance.now())
  const out = options?.write ?? ((text: string) => process.stderr.write(text))
  const started = now()
  const lastProgress = new Map<string, number>()
  // A counter line being redrawn on the terminal; any other line first ends it.
  let openLine = false
  const write = (line: string): void => {
    if (silent) {
      return
    }
    out(`${openLine ? '\r\x1b[K' : ''}${line}\n`)
    openLine = false
  }
  const redraw = (line: string): void => {
    if (!silent) {
      out(`\r\x1b[K${line}`)
      openLine = true
    }
  }
  return {
    info: (message) => write(message),
    step(stage, message) {
      const start = now()
      if (message) {
        write(`[${stage}] ${message}`)
      }
      return (summary) => {
        const seconds = (now() - start) / 1000
        write(`[${stage}] ${summary ?? 'done'} (${seconds.toFixed(1)} s)`)
        return seconds
      }
    },
    progress(stage, message, force = false) {
      const t = now()
      if (force || t - (lastProgress.get(stage) ?? Number.NEGATIVE_INFINITY) >= progressMs) {
        lastProgress.set(stage, t)
        write(`[${stage}] ${message}`)
      }
    },
    counter(stage, what, { total, unit }) {
      const start = now()
      let done = 0
      let calls = 0
      let shown = start
      const line = (t: number): string => {
        const seconds = (t - start) / 1000
        const parts = [`[${stage}] ${what}: ${done.toLocaleString('en')}`]
        if (total !== undefined && total > 0) {
          parts[0] += `/${total.toLocaleString('en')} ${unit} (${Math.floor((100 * done) / total)}%)`
        } else {
          parts[0] += ` ${unit}`
        }
        parts.push(rate(done, seconds))
        if (total !== undefined && total > 0 && done > 0) {
          parts.push(`ETA ${formatDuration((seconds * (total - done)) / done)}`)
        }
        return parts.join(', ')
      }
      const maybeShow = (): void => {
        const t = now()
        if (t - shown >= counterMs) {
          shown = t
          if (tty) {
            redraw(line(t))
          } else {
            write(line(t))
          }
        }
      }
      return {
        add(n = 1) {
          done += n
          if ((++calls & 1023) === 0 || n >= 1024) {
            maybeShow()
          }
        },
        set(value) {
          done = value
          maybeShow()
        },
        end(summary) {
          const t = now()
          const seconds = (t - start) / 1000
          write(
            `[${stage}] ${what}: ${done.toLocaleString('en')} ${unit}, ${rate(done, seconds)}` +
              `${summary ? `; ${summary}` : ''} (${seconds.toFixed(1)} s)`
          )
          return seconds
        },
      }
    },
    summary(label) {
      const seconds = (now() - started) / 1000
      write(
        `${label} in ${formatDuration(seconds)}, peak memory ${formatBytes(peakRssBytes())} RSS`
      )
    },
  }
}

export const silentLogger: Logger = createLogger({ silent: true })
