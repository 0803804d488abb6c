/**
 * @module
 * metrics.md: the tables of one evaluation in Markdown, for docs/evaluation.md.
 */

import { BUCKETS } from '../core/artifact'
import type { AblationReport } from './ablation'
import type { Comparison, Group, MethodResult } from './score-task'
import type { Task } from './session-task'

export type ReportInput = {
  queries: number
  buckets: { tailMax: number; torsoMax: number }
  tasks: Record<Task, Record<string, MethodResult>>
  goals: Record<Task, Record<string, unknown>>
  /** Present with `eval --ablation`. */
  ablation?: AblationReport | null
}

const pct = (x: number): string => (x * 100).toFixed(2)
const withCi = (x: number, ci: [number, number], f: (v: number) => string): string =>
  `${f(x)} [${f(ci[0])}, ${f(ci[1])}]`
const mrr = (x: number): string => x.toFixed(4)

const TITLES: Record<Task, string> = {
  'one-pin': 'One pin (query = the current pin; already-seen pins excluded)',
  session: 'Session (query = the current pin + up to 10 earlier pins as context)',
}

function taskTables(task: Task, results: Record<string, MethodResult>, m: ReportInput): string {
  const names = Object.keys(results)
  const overall = names.map((n) => {
    const o = results[n]!.overall
    return `| ${n} | ${pct(o['hr@10'])} | ${withCi(o['hr@20'], o.ci['hr@20'], pct)} | ${withCi(o['mrr@20'], o.ci['mrr@20'], mrr)} | ${withCi(o['ndcg@20'], o.ci['ndcg@20'], mrr)} | ${pct(o['hr@50'])} | ${pct(o.coverage)} | ${pct(o.fallback)} |`
  })
  const groups: Group[] = ['warm', ...BUCKETS]
  const byGroup = names.map((n) => {
    const r = results[n]!
    return `| ${n} | ${groups.map((g) => `${withCi(r[g]['hr@20'], r[g].ci['hr@20'], pct)} | ${mrr(r[g]['mrr@20'])}`).join(' | ')} |`
  })
  const first = results[names[0]!]!
  const goal = m.goals[task] as Record<string, Record<Group, Comparison> | string[]>
  const goalRows = (['hr@20', 'mrr@20', 'allPeersHr20'] as const).flatMap((metric) => {
    const c = goal[metric] as Record<Group, Comparison> | undefined
    if (!c) {
      return []
    }
    const label = metric === 'allPeersHr20' ? 'hr@20 vs every peer' : metric
    const f = metric === 'mrr@20' ? mrr : pct
    return (['overall', 'warm', ...BUCKETS] as Group[])
      .filter((g) => c[g])
      .map((g) => {
        const x = c[g]!
        return `| ${label} | ${g} | ${x.best} ${f(x.bestValue)} | ${f(x.ourValue)} | ${x.ratio?.toFixed(3) ?? '–'} | [${f(x.difference95[0])}, ${f(x.difference95[1])}] |`
      })
  })
  return `#### ${TITLES[task]}

Overall (${m.queries.toLocaleString('en')} test queries; HR, coverage and fallback share in %, 95% bootstrap intervals in brackets):

| method | HR@10 | HR@20 | MRR@20 | NDCG@20 | HR@50 | coverage | fallback |
|---|---|---|---|---|---|---|---|
${overall.join('\n')}

HR@20 (%) with interval and MRR@20 on warm queries (query pin engaged in training) and per popularity bucket (tail ≤ ${m.buckets.tailMax} < torso ≤ ${m.buckets.torsoMax} < head; n = ${groups.map((g) => first[g].n).join(' / ')}):

| method | warm HR@20 | warm MRR@20 | tail HR@20 | tail MRR@20 | torso HR@20 | torso MRR@20 | head HR@20 | head MRR@20 |
|---|---|---|---|---|---|---|---|---|
${byGroup.join('\n')}

Goal: the served blend against the best of ${(goal.against as string[]).join(', ')} (paired bootstrap interval of the difference; HR in points):

| metric | group | best peer | blend | ratio | blend − best, 95% |
|---|---|---|---|---|---|
${goalRows.join('\n')}
`
}

/** The blend without each source against the full blend, on the same queries (paired intervals). */
function ablationTable(m: ReportInput, a: AblationReport): string {
  const rows = (Object.keys(m.tasks) as Task[]).flatMap((task) => {
    const full = m.tasks[task].blend
    if (!full) {
      return []
    }
    const o = full.overall
    return [
      `| ${task} | full blend | ${withCi(o['hr@20'], o.ci['hr@20'], pct)} | – | ${withCi(o['mrr@20'], o.ci['mrr@20'], mrr)} | – | ${pct(o.fallback)} |`,
      ...a.rows.map((row) => {
        const { result, vsBlend } = row.tasks[task]
        const r = result.overall
        const d = (metric: 'hr@20' | 'mrr@20', f: (v: number) => string): string => {
          const c = vsBlend[metric]
          const size = f(Math.abs(c.ourValue - c.bestValue))
          // No sign on a difference that rounds to zero (it would print as −0.00).
          const sign = Number(size) === 0 ? '' : c.ourValue > c.bestValue ? '+' : '−'
          return `${sign}${size} [${f(c.difference95[0])}, ${f(c.difference95[1])}]`
        }
        return `| ${task} | without ${row.source} | ${withCi(r['hr@20'], r.ci['hr@20'], pct)} | ${d('hr@20', pct)} | ${withCi(r['mrr@20'], r.ci['mrr@20'], mrr)} | ${d('mrr@20', mrr)} | ${pct(r.fallback)} |`
      }),
    ]
  })
  const skipped = a.skipped.map((s) => `${s.source} not ablated: ${s.reason}.`).join(' ')
  return `#### Leave one source out

The served blend without one source: its candidates and scores removed, the blend weights, learned model and session model fitted again on the validation slice, scored on the same ${m.queries.toLocaleString('en')} test queries (HR in %, Δ = without − full blend with its paired 95% bootstrap interval; ablation took ${a.seconds.toFixed(0)} s).${skipped ? ` ${skipped}` : ''}

| task | blend | HR@20 | Δ HR@20 | MRR@20 | Δ MRR@20 | fallback |
|---|---|---|---|---|---|---|
${rows.join('\n')}
`
}

export function renderMarkdown(m: ReportInput): string {
  const tables = (Object.keys(m.tasks) as Task[]).map((t) => taskTables(t, m.tasks[t], m))
  if (m.ablation) {
    tables.push(ablationTable(m, m.ablation))
  }
  return tables.join('\n')
}
