// The one node:zlib function the worker uses (src/worker/inflate.ts). workerd provides the module
// under `nodejs_compat`; the worker's type program has Workers types only, not @types/node.
declare module 'node:zlib' {
  export function inflateRawSync(buffer: Uint8Array): Uint8Array
}
