/**
 * @module
 * Build logging: one line per stage on stderr (stdout stays free for JSON), throttled progress.
 */

export type Logger = {
  info(message: string): void
  /** Start a stage; call the returned function to log its end with the elapsed time. */
  step(stage: string, message?: string): (summary?: string) => number
  /** Progress lines at most every `intervalMs`; `force` prints regardless. */
  progress(stage: string, message: string, force?: boolean): void
}

export function createLogger(options?: { silent?: boolean; intervalMs?: number }): Logger {
  const silent = options?.silent ?? false
  const intervalMs = options?.intervalMs ?? 2000
  const lastProgress = new Map<string, number>()
  const write = (line: string): void => {
    if (!silent) {
      process.stderr.write(`${line}\n`)
    }
  }
  return {
    info: (message) => write(message),
    step(stage, message) {
      const start = performance.now()
      if (message) {
        write(`[${stage}] ${message}`)
      }
      return (summary) => {
        const seconds = (performance.now() - start) / 1000
        write(`[${stage}] ${summary ?? 'done'} (${seconds.toFixed(1)} s)`)
        return seconds
      }
    },
    progress(stage, message, force = false) {
      const now = Date.now()
      if (force || now - (lastProgress.get(stage) ?? 0) >= intervalMs) {
        lastProgress.set(stage, now)
        write(`[${stage}] ${message}`)
      }
    },
  }
}

export const silentLogger: Logger = createLogger({ silent: true })
