/**
 * @module
 * One pin in a grid, with why it was recommended.
 */

import type { SourceName } from '../../core/artifact'
import { safeUrl } from './safe-url'

const REASON: Record<SourceName, string> = {
  cooc: 'saved on the same boards',
  pin2vec: 'engaged with next',
  session: 'engaged in the same sessions',
  walk: 'nearby on boards',
}

export const pinHref = (id: string): string => `/pins/${encodeURIComponent(id)}`

export function PinCard(props: {
  id: string
  title: string
  imageUrl: string
  sources?: Partial<Record<SourceName, number>>
}) {
  const reasons = Object.keys(props.sources ?? {}).map((s) => REASON[s as SourceName])
  const image = safeUrl(props.imageUrl)
  return (
    <div class="card">
      <a href={pinHref(props.id)}>
        {image ? <img src={image} alt={props.title} loading="lazy" /> : null}
        <div class="t">{props.title || props.id}</div>
        {reasons.length > 0 ? <div class="why">People {reasons.join(' · ')}</div> : null}
      </a>
    </div>
  )
}
