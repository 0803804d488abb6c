/**
 * @module
 * report.html: a self-contained page (inline CSS and SVG, no scripts) with the metric tables and
 * charts of one evaluation, readable straight from disk.
 */

import { BUCKETS } from '../core/artifact'
import type { ReportInput as TablesInput } from './report-markdown'
import type { Task } from './session-task'

type ReportInput = TablesInput & { split: Record<string, unknown>; blend: unknown; peers: unknown }

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

function taskSection(task: Task, m: ReportInput): string {
  const results = m.tasks[task]
  const names = Object.keys(results)
  const metricNames = [
    'hr@10',
    'hr@20',
    'mrr@20',
    'ndcg@20',
    'hr@50',
    'coverage',
    'fallback',
  ] as const
  const rows = names
    .map((n) => {
      const r = results[n]!.overall
      return `<tr><th>${escapeHtml(n)}</th>${metricNames.map((k) => `<td>${k.startsWith('mrr') || k.startsWith('ndcg') ? r[k].toFixed(4) : pct(r[k])}</td>`).join('')}<td>${pct(r.ci['hr@20'][0])} – ${pct(r.ci['hr@20'][1])}</td><td>${r.n}</td></tr>`
    })
    .join('')
  const bucketRows = names
    .map((n) => {
      const r = results[n]!
      return `<tr><th>${escapeHtml(n)}</th>${(['warm', ...BUCKETS] as const).map((b) => `<td>${pct(r[b]['hr@20'])} <small>(${pct(r[b].ci['hr@20'][0])} – ${pct(r[b].ci['hr@20'][1])}, n=${r[b].n})</small></td>`).join('')}</tr>`
    })
    .join('')
  const chart = barChart(
    `HR@20 per group, ${task} task`,
    ['overall', 'warm', ...BUCKETS],
    names.map((n) => ({
      name: n,
      values: (['overall', 'warm', ...BUCKETS] as const).map((g) => results[n]![g]['hr@20']),
    }))
  )
  return `<h2>${escapeHtml(task)} task</h2>
<table><tr><th>method</th>${metricNames.map((k) => `<th>${k}</th>`).join('')}<th>HR@20 95% CI</th><th>n</th></tr>${rows}</table>
<table><tr><th>method</th>${['warm', ...BUCKETS].map((b) => `<th>${b} HR@20</th>`).join('')}</tr>${bucketRows}</table>
${chart}
<h3>Goal</h3>
<pre>${escapeHtml(JSON.stringify(m.goals[task], null, 2))}</pre>`
}

/** The blend without each source against the full blend (paired 95% intervals of the Δ). */
function ablationSection(m: ReportInput): string {
  const a = m.ablation
  if (!a) {
    return ''
  }
  const diff = (d: number, ci: [number, number], f: (x: number) => string): string =>
    `${f(d)} <small>(${f(ci[0])} – ${f(ci[1])})</small>`
  const mrr = (x: number): string => x.toFixed(4)
  const rows = (Object.keys(m.tasks) as Task[]).flatMap((task) =>
    a.rows.map((row) => {
      const { result, vsBlend } = row.tasks[task]
      const h = vsBlend['hr@20']
      const r = vsBlend['mrr@20']
      return `<tr><th>${escapeHtml(task)}</th><th>without ${escapeHtml(row.source)}</th><td>${pct(result.overall['hr@20'])}</td><td>${diff(h.ourValue - h.bestValue, h.difference95, pct)}</td><td>${mrr(result.overall['mrr@20'])}</td><td>${diff(r.ourValue - r.bestValue, r.difference95, mrr)}</td></tr>`
    })
  )
  return `<h2>Leave one source out</h2>
<p>The served blend without one source: its candidates and scores removed, the blend and session model fitted again on the validation slice, scored on the same test queries; Δ = without − full blend (${a.seconds.toFixed(0)} s).</p>
<table><tr><th>task</th><th>blend</th><th>HR@20</th><th>Δ HR@20</th><th>MRR@20</th><th>Δ MRR@20</th></tr>${rows.join('')}</table>`
}

export function renderReport(m: ReportInput): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>related-pins evaluation</title>
<style>body{font-family:system-ui,sans-serif;max-width:1000px;margin:24px auto;padding:0 16px;color:#111}table{border-collapse:collapse;margin:12px 0;font-size:13px}td,th{border-bottom:1px solid #eee;padding:4px 8px;text-align:right}th{text-align:left}figure{margin:24px 0}figcaption{font-weight:600;margin-bottom:6px}pre{background:#f6f6f6;padding:8px;overflow:auto;font-size:12px}small{color:#777}</style>
</head><body>
<h1>related-pins offline evaluation</h1>
<p>In every held-out session, each pin whose next pin is new to the session is a query (${m.queries.toLocaleString('en')} test queries). One-pin task: the current pin alone; session task: with up to 10 earlier pins as context. Every method gets the same exclusions (pins already seen) and the same popular fallback. Buckets by the query pin's training engagement: tail ≤ ${m.buckets.tailMax} &lt; torso ≤ ${m.buckets.torsoMax} &lt; head; warm = engaged in training. Intervals are 95% bootstrap intervals over queries.</p>
${(Object.keys(m.tasks) as Task[]).map((t) => taskSection(t, m)).join('\n')}
${ablationSection(m)}
<h2>Split, blend and peer settings</h2>
<pre>${escapeHtml(JSON.stringify({ split: m.split, blend: m.blend, peers: m.peers }, null, 2))}</pre>
</body></html>
`
}
