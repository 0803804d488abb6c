/**
 * @module
 * Worker entry point (Workers requires the default export).
 */

import { createApp } from './app'

export default createApp()
