/**
 * @module
 * report.html: a self-contained page (inline CSS and SVG, no scripts) with the metric tables and
 * charts of one evaluation, readable straight from disk.
 */

import { BUCKETS } from '../core/artifact'
import type { SourceResult } from './evaluate'

type ReportInput = {
  split: Record<string, unknown>
  queries: number
  buckets: { tailMax: number; torsoMax: number }
  sources: Record<string, SourceResult>
  comparison: Record<string, unknown>
  quantization: Record<string, number> | null
  blend: unknown
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
const pct = (x: number): string => `${(x * 100).toFixed(2)}%`
const COLORS = [
  '#e60023',
  '#0074e8',
  '#00a36c',
  '#f5a623',
  '#8e44ad',
  '#7f8c8d',
  '#16a085',
  '#c0392b',
  '#2c3e50',
]

/** Grouped bar chart: one group per label, one bar per series. Values in [0, max]. */
function barChart(
  title: string,
  groups: string[],
  series: { name: string; values: number[] }[]
): string {
  const width = 760
  const height = 260
  const left = 50
  const bottom = 40
  const max = Math.max(0.01, ...series.flatMap((s) => s.values)) * 1.1
  const groupWidth = (width - left) / groups.length
  const barWidth = (groupWidth * 0.8) / Math.max(1, series.length)
  const y = (v: number): number => height - bottom - (v / max) * (height - bottom - 20)
  const bars = groups.flatMap((g, gi) =>
    series.map((s, si) => {
      const v = s.values[gi] ?? 0
      const x = left + gi * groupWidth + groupWidth * 0.1 + si * barWidth
      return `<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(height - bottom - y(v)).toFixed(1)}" fill="${COLORS[si % COLORS.length]}"><title>${escapeHtml(s.name)} ${escapeHtml(g)}: ${pct(v)}</title></rect>`
    })
  )
  const labels = groups.map(
    (g, gi) =>
      `<text x="${(left + (gi + 0.5) * groupWidth).toFixed(1)}" y="${height - bottom + 18}" text-anchor="middle">${escapeHtml(g)}</text>`
  )
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const v = max * f
    return `<line x1="${left}" x2="${width}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#eee"/><text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${pct(v)}</text>`
  })
  const legend = series
    .map((s, si) => `<tspan fill="${COLORS[si % COLORS.length]}">■ ${escapeHtml(s.name)}</tspan>`)
    .join('  ')
  return `<figure><figcaption>${escapeHtml(title)}</figcaption><svg viewBox="0 0 ${width} ${height + 20}" width="100%" role="img" font-size="11" font-family="system-ui">${ticks.join('')}${bars.join('')}${labels.join('')}<text x="${left}" y="${height + 14}">${legend}</text></svg></figure>`
}

export function renderReport(m: ReportInput): string {
  const names = Object.keys(m.sources)
  const metricNames = [
    'recall@10',
    'recall@20',
    'recall@50',
    'mrr@20',
    'ndcg@20',
    'coverage',
    'noAnswer',
  ] as const
  const overallRows = names
    .map((n) => {
      const r = m.sources[n]!
      const ci = r.ci.overall
      return `<tr><th>${escapeHtml(n)}</th>${metricNames.map((k) => `<td>${pct(r.overall[k])}</td>`).join('')}<td>${pct(ci[0])} – ${pct(ci[1])}</td><td>${r.overall.n}</td></tr>`
    })
    .join('')
  const bucketRows = names
    .map((n) => {
      const r = m.sources[n]!
      return `<tr><th>${escapeHtml(n)}</th>${BUCKETS.map((b) => `<td>${pct(r.buckets[b]['recall@20'])} <small>(${pct(r.ci[b][0])} – ${pct(r.ci[b][1])}, n=${r.buckets[b].n})</small></td>`).join('')}</tr>`
    })
    .join('')
  const chartK = barChart(
    'Recall@k per source (overall)',
    ['recall@10', 'recall@20', 'recall@50'],
    names.map((n) => ({
      name: n,
      values: [
        m.sources[n]!.overall['recall@10'],
        m.sources[n]!.overall['recall@20'],
        m.sources[n]!.overall['recall@50'],
      ],
    }))
  )
  const chartBuckets = barChart(
    'Recall@20 per popularity bucket of the query pin',
    [...BUCKETS],
    names.map((n) => ({
      name: n,
      values: BUCKETS.map((b) => m.sources[n]!.buckets[b]['recall@20']),
    }))
  )
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>related-pins evaluation</title>
<style>body{font-family:system-ui,sans-serif;max-width:1000px;margin:24px auto;padding:0 16px;color:#111}table{border-collapse:collapse;margin:12px 0;font-size:13px}td,th{border-bottom:1px solid #eee;padding:4px 8px;text-align:right}th{text-align:left}figure{margin:24px 0}figcaption{font-weight:600;margin-bottom:6px}pre{background:#f6f6f6;padding:8px;overflow:auto;font-size:12px}small{color:#777}</style>
</head><body>
<h1>related-pins offline evaluation</h1>
<p>Task: for each held-out session, predict the next distinct pin engaged after each pin. ${m.queries.toLocaleString('en')} test queries. Buckets by the query pin's training engagement: tail ≤ ${m.buckets.tailMax} &lt; torso ≤ ${m.buckets.torsoMax} &lt; head. Intervals are 95% bootstrap intervals over queries.</p>
<h2>Overall</h2>
<table><tr><th>source</th>${metricNames.map((k) => `<th>${k}</th>`).join('')}<th>recall@20 95% CI</th><th>n</th></tr>${overallRows}</table>
${chartK}
<h2>Per bucket (recall@20)</h2>
<table><tr><th>source</th>${BUCKETS.map((b) => `<th>${b}</th>`).join('')}</tr>${bucketRows}</table>
${chartBuckets}
<h2>Blend against the best single source</h2>
<pre>${escapeHtml(JSON.stringify(m.comparison, null, 2))}</pre>
<h2>Quantization</h2>
<pre>${escapeHtml(JSON.stringify(m.quantization, null, 2))}</pre>
<h2>Split and blend</h2>
<pre>${escapeHtml(JSON.stringify({ split: m.split, blend: m.blend }, null, 2))}</pre>
</body></html>
`
}
