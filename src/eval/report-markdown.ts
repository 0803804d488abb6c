/**
 * @module
 * metrics.md: the tables of one evaluation in Markdown, for docs/evaluation.md.
 */

import { BUCKETS } from '../core/artifact'
import type { Comparison, Group, MethodResult } from './score-task'
import type { Task } from './session-task'

export type ReportInput = {
  queries: number
  buckets: { tailMax: number; torsoMax: number }
  tasks: Record<Task, Record<string, MethodResult>>
  goals: Record<Task, Record<string, unknown>>
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

export function renderMarkdown(m: ReportInput): string {
  return (Object.keys(m.tasks) as Task[]).map((t) => taskTables(t, m.tasks[t], m)).join('\n')
}
