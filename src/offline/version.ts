/**
 * @module
 * The related-pins version (package.json), for ids that must change when the code does.
 */

import { readFileSync } from 'node:fs'

export const RELATED_PINS_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
).version
