-- Stage 2 of board co-occurrence: pair scores and top lists.
-- Input:  board_pruned(board_id, pin_id)        output of board-prune.sql
-- Output: cooc_candidates(pin_id, candidate_id, score, rank)   rank 1 = best, at most {{top_n}}
-- Same formulas as src/offline/board-graph/scoring.ts: with w(g) = {{board_weight}} for boards of 2+ pins
-- (0 for boards of one), c(i, j) = sum of w over shared boards, d(i) = sum of w over i's boards and
-- W = sum of w over boards, the score is {{pair_score}}. Ties (after rounding to 1e-9) go to the
-- smaller candidate_id. {{normalise}} = 1 divides each row by its best score.
-- {{pin_part}} is a predicate on a.pin_id choosing the pins whose lists this run computes: TRUE for
-- all of them, or MOD(hash32(a.pin_id), P) = p for pass p of P. A pin's list depends only on its
-- own pairs and on degrees and totals over all boards, so P passes, appended, give the same table
-- as one; each pass holds about 1/P of the pairs, which is how a memory limit too small for all
-- of them still finishes.
WITH
sized AS (
  SELECT board_id, pin_id, COUNT(*) OVER (PARTITION BY board_id) AS size FROM board_pruned
),
weighted AS (
  SELECT board_id, pin_id, CASE WHEN size > 1 THEN {{board_weight}} ELSE 0 END AS w FROM sized
),
degree AS (
  SELECT pin_id, SUM(w) AS d FROM weighted GROUP BY pin_id
),
total AS (
  SELECT SUM(w) AS total FROM (SELECT board_id, MAX(w) AS w FROM weighted GROUP BY board_id) t
),
pairs AS (
  SELECT a.pin_id, b.pin_id AS candidate_id, SUM(a.w) AS c
  FROM weighted a
  JOIN weighted b ON a.board_id = b.board_id AND a.pin_id <> b.pin_id
  WHERE a.w > 0 AND {{pin_part}}
  GROUP BY a.pin_id, b.pin_id
),
scored AS (
  SELECT p.pin_id, p.candidate_id, ROUND(({{pair_score}}) * 1e9) AS s
  FROM pairs p
  JOIN degree di ON di.pin_id = p.pin_id
  JOIN degree dj ON dj.pin_id = p.candidate_id
  CROSS JOIN total t
),
ranked AS (
  SELECT pin_id, candidate_id, s,
    MAX(s) OVER (PARTITION BY pin_id) AS best,
    ROW_NUMBER() OVER (PARTITION BY pin_id ORDER BY s DESC, candidate_id) AS r
  FROM scored
)
SELECT pin_id, candidate_id,
  CASE WHEN {{normalise}} = 1 THEN s / best ELSE s / 1e9 END AS score,
  r AS rank
FROM ranked
WHERE r <= {{top_n}}
