/**
 * @module
 * The related-pins grid as a self-contained fragment: used by the pin page, the fragment route and
 * injection mode, so a site embedding it gets the same markup as the worker's own pages.
 */

import type { RankedPin } from '../../core/rerank'
import { PinCard } from './pin-card'

/** Scoped under .rp-related so the fragment can be dropped into any page without leaking styles. */
export const FRAGMENT_STYLE = `
.rp-related{font-family:system-ui,sans-serif}
.rp-related .grid{columns:5 200px;column-gap:16px}
.rp-related .card{break-inside:avoid;margin-bottom:16px;background:#fff;border-radius:16px;overflow:hidden;box-shadow:0 1px 3px #0001}
.rp-related .card a{color:inherit;text-decoration:none;display:block}
.rp-related .card img{width:100%;display:block}
.rp-related .card .t{padding:8px 12px;font-weight:600}
.rp-related .card .why{padding:0 12px 10px;color:#767676;font-size:12px}
.rp-related .muted{color:#767676}
`

export type RelatedGridProps = {
  items: RankedPin[]
  fallback: boolean
  build: string
  standalone?: boolean
}

export function RelatedGrid(props: RelatedGridProps) {
  return (
    <section
      class="rp-related"
      data-build={props.build}
      data-fallback={props.fallback ? 'true' : 'false'}
    >
      {props.standalone ? <style>{FRAGMENT_STYLE}</style> : null}
      <h2>{props.fallback ? 'Popular pins' : 'More like this'}</h2>
      {props.items.length === 0 ? <p class="muted">No related pins yet.</p> : null}
      <div class="grid">
        {props.items.map((r) => (
          <PinCard id={r.id} title={r.title} imageUrl={r.imageUrl} sources={r.sources} />
        ))}
      </div>
    </section>
  )
}

/** Render the fragment to an HTML string (every data string escaped by hono/jsx). */
export async function renderFragment(props: RelatedGridProps): Promise<string> {
  return (await (<RelatedGrid {...props} standalone />).toString()) as string
}
