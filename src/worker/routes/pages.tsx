/**
 * @module
 * Server-rendered HTML that a CDN can cache: the home page, one page per pin, and the related-pins
 * fragment for embedding into an existing page.
 */

import { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../env'
import { ApiError } from '../errors'
import { conditional } from '../http-cache'
import { answerRelated, pinRequest, relatedPins, requireAnswer } from '../related'
import { Layout } from '../views/layout'
import { PinCard } from '../views/pin-card'
import { RelatedGrid, renderFragment } from '../views/related-grid'
import { safeUrl } from '../views/safe-url'
import { fragmentRoute, homeRoute, on, pinPageRoute } from './definitions'

export const pages = new OpenAPIHono<AppEnv>()

on(pages, homeRoute, async (c) => {
  const { manifest } = await c.var.store.build()
  const notModified = conditional(c, manifest.buildId, '/')
  if (notModified) {
    return notModified
  }
  return c.html(
    <Layout title="related-pins">
      <h1>Popular pins</h1>
      <p class="muted">
        Build {manifest.buildId}: {manifest.pinCount.toLocaleString('en')} pins, sources{' '}
        {manifest.sources.join(', ')}. Open a pin to see its related pins.
      </p>
      <div class="grid">
        {manifest.popular.slice(0, 40).map((p) => (
          <PinCard id={p.id} title={p.title} imageUrl={p.imageUrl} />
        ))}
      </div>
    </Layout>
  )
})

on(pages, pinPageRoute, relatedPins({ read: pinRequest(pinPageRoute) }), (c) =>
  answerRelated(c, (r) => {
    const record = r.found[0]
    if (!record) {
      const [id] = c.var.related.query.seeds
      throw new ApiError(404, 'pin_not_found', `pin '${id}' is not in build ${r.build}`)
    }
    const { pin } = record
    const image = safeUrl(pin.imageUrl)
    const link = safeUrl(pin.link)
    return c.html(
      <Layout title={`${pin.title || pin.id} · related-pins`}>
        <section class="hero">
          {image ? <img src={image} alt={pin.title} /> : null}
          <div>
            <h1>{pin.title || pin.id}</h1>
            <p class="muted">
              {pin.engagement.toLocaleString('en')} engagements · pin {pin.id}
            </p>
            {link ? (
              <a href={link} rel="nofollow noopener">
                Visit site
              </a>
            ) : null}
          </div>
        </section>
        <RelatedGrid items={r.related} fallback={r.fallback} build={r.build} />
      </Layout>
    )
  })
)

on(pages, fragmentRoute, relatedPins({ read: pinRequest(fragmentRoute) }), (c) =>
  answerRelated(c, async (r) => {
    requireAnswer(r, `pin '${c.var.related.query.seeds[0]}' is not`)
    return c.html(await renderFragment({ items: r.related, fallback: r.fallback, build: r.build }))
  })
)
