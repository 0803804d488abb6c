/**
 * @module
 * Only http(s) URLs from the data reach an href or src: escaping alone does not stop
 * `javascript:` links.
 */

export function safeUrl(raw: string): string | null {
  try {
    const url = new URL(raw)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null
  } catch {
    return null
  }
}
