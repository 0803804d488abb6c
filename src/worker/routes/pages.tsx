/**
 * @module
 * Server-rendered HTML pages that a CDN can cache: the home page and one page per pin.
 */

import { Hono } from 'hono'
import { rankRelated } from '../../core/blend'
import type { AppEnv } from '../env'
import { ApiError } from '../errors'
import { conditional, normalisedRequest } from '../http-cache'
import { parseK, parsePinId } from '../params'
import { Layout } from '../views/layout'
import { PinCard } from '../views/pin-card'
import { safeUrl } from '../views/safe-url'

export const pages = new Hono<AppEnv>()

pages.get('/', async (c) => {
  const { manifest } = await c.var.store.build()
  const notModified = conditional(c, manifest.buildId, '/')
  if (notModified) {
    return notModified
  }
  return c.html(
    <Layout title="related-pins">
      <h1>Popular pins</h1>
      <p class="muted">
        Build {manifest.buildId}: {manifest.pinCount.toLocaleString('en')} pins, sources {manifest.sources.join(', ')}. Open a pin to see
        its related pins.
      </p>
      <div class="grid">
        {manifest.popular.slice(0, 40).map((p) => (
          <PinCard id={p.id} title={p.title} imageUrl={p.imageUrl} />
        ))}
      </div>
    </Layout>
  )
})

pages.get('/pins/:id', async (c) => {
  const id = parsePinId(c.req.param('id'))
  const k = parseK(c.req.query('k') ?? '30')
  const build = await c.var.store.build()
  const notModified = conditional(c, build.manifest.buildId, normalisedRequest(c.req.url, { k: String(k) }))
  if (notModified) {
    return notModified
  }
  const record = await build.record(id)
  if (!record) {
    throw new ApiError(404, 'pin_not_found', `pin '${id}' is not in build ${build.manifest.buildId}`)
  }
  const related = rankRelated(record, build.manifest.blend, { k })
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
      <h2>More like this</h2>
      {related.length === 0 ? <p class="muted">No related pins yet.</p> : null}
      <div class="grid">
        {related.map((r) => (
          <PinCard id={r.id} title={r.title} imageUrl={r.imageUrl} sources={r.sources} />
        ))}
      </div>
    </Layout>
  )
})
