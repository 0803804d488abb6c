/**
 * @module
 * The HTML shell of every page. hono/jsx escapes every interpolated string.
 */

import type { Child } from 'hono/jsx'

const STYLE = `
body{font-family:system-ui,sans-serif;margin:0;background:#fafafa;color:#111}
header{padding:12px 24px;background:#fff;border-bottom:1px solid #eee;display:flex;gap:16px;align-items:baseline}
header a{color:#e60023;font-weight:700;text-decoration:none;font-size:20px}
main{max-width:1200px;margin:0 auto;padding:24px}
.hero{display:flex;gap:24px;align-items:flex-start;background:#fff;border-radius:16px;padding:24px;margin-bottom:24px}
.hero img{width:236px;border-radius:16px}
.grid{columns:5 200px;column-gap:16px}
.card{break-inside:avoid;margin-bottom:16px;background:#fff;border-radius:16px;overflow:hidden;box-shadow:0 1px 3px #0001}
.card a{color:inherit;text-decoration:none;display:block}
.card img{width:100%;display:block}
.card .t{padding:8px 12px;font-weight:600}
.card .why{padding:0 12px 10px;color:#767676;font-size:12px}
.muted{color:#767676}
`

export function Layout(props: { title: string; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        <style>{STYLE}</style>
      </head>
      <body>
        <header>
          <a href="/">related-pins</a>
          <span class="muted">pins worth looking at next</span>
        </header>
        <main>{props.children}</main>
      </body>
    </html>
  )
}
