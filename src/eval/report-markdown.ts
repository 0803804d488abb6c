/**
 * @module
 * metrics.md: the tables of one evaluation in Markdown, for docs/evaluation.md.
 */

import { BUCKETS } from '../core/artifact'
import type { SourceResult } from './evaluate'

type MarkdownInput = {
  queries: number
  buckets: { tailMax: number; torsoMax: number }
  sources: Record<string, SourceResult>
  comparison: Record<string, unknown>
}

const pct = (x: number): string => (x * 100).toFixed(2)

export function renderMarkdown(m: MarkdownInput): string {
  const names = Object.keys(m.sources)
  const overall = names.map((n) => {
    const r = m.sources[n]!
    const o = r.overall
    return `| ${n} | ${pct(o['recall@10'])} | ${pct(o['recall@20'])} [${pct(r.ci.overall[0])}, ${pct(r.ci.overall[1])}] | ${pct(o['recall@50'])} | ${o['mrr@20'].toFixed(4)} | ${o['ndcg@20'].toFixed(4)} | ${pct(o.coverage)} | ${pct(o.noAnswer)} |`
  })
  const buckets = names.map((n) => {
    const r = m.sources[n]!
    return `| ${n} | ${BUCKETS.map((b) => `${pct(r.buckets[b]['recall@20'])} [${pct(r.ci[b][0])}, ${pct(r.ci[b][1])}]`).join(' | ')} |`
  })
  const n = (b: (typeof BUCKETS)[number]): number => m.sources[names[0]!]!.buckets[b].n
  const comparison = Object.entries(
    m.comparison as Record<
      string,
      {
        bestSingle: string
        bestSingleRecall20: number
        blendRecall20: number
        ratio: number | null
        difference95: [number, number]
        blendOverSar: number | null
      }
    >
  ).map(
    ([group, c]) =>
      `| ${group} | ${c.bestSingle} ${pct(c.bestSingleRecall20)} | ${pct(c.blendRecall20)} | ${c.ratio?.toFixed(3) ?? '–'} | [${pct(c.difference95[0])}, ${pct(c.difference95[1])}] | ${c.blendOverSar?.toFixed(3) ?? '–'} |`
  )
  return `Overall (${m.queries.toLocaleString('en')} test queries; recall and coverage in %, 95% bootstrap interval of recall@20 in brackets):

| source | recall@10 | recall@20 | recall@50 | MRR@20 | NDCG@20 | coverage | no answer |
|---|---|---|---|---|---|---|---|
${overall.join('\n')}

Recall@20 (%) per popularity bucket of the query pin (training engagement: tail ≤ ${m.buckets.tailMax} < torso ≤ ${m.buckets.torsoMax} < head; n = ${n('tail')} / ${n('torso')} / ${n('head')}):

| source | tail | torso | head |
|---|---|---|---|
${buckets.join('\n')}

Blend against the best single source (recall@20 %, paired bootstrap interval of the difference in points):

| group | best single | blend | ratio | blend − best, 95% | blend / SAR |
|---|---|---|---|---|---|
${comparison.join('\n')}
`
}
