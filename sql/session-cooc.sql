-- Session co-occurrence: sessions from events, pair scores and top lists.
-- Input:  events(user_id, pin_id, action, ts_ms)     ts_ms = Unix milliseconds; action lowercased
--         action_weights(action, weight)             actions not listed weigh {{other_action_weight}}
-- Output: session_candidates(pin_id, candidate_id, score, rank)   rank 1 = best, at most {{top_n}}
-- Same rules as src/offline/sessions/sessionize.ts and session-cooc.ts: actions of weight 0 are
-- left out; a user's events, ordered by (ts_ms, pin_id, action), start a new session after a gap of
-- more than {{gap_ms}} ms. 'damped' ({{jaccard}} = 0): engagements of pins i <> j at positions p, q
-- of a session of n engagements, |p - q| <= {{max_distance}}, add
--   w(i) / log2(1 + n)^{{length_damping}} * w(j) * {{decay}}^(|p - q| - 1) * (q < p ? {{backward}} : 1)
-- and the score is min(1, c / (m(i)^(1 - b) m(j)^b)), b = {{popularity_exponent}},
-- m(i) = sum of w / log2(1 + n)^{{length_damping}} over i's engagements.
-- 'jaccard' ({{jaccard}} = 1): s / (n(i) + n(j) - s) over the sets of sessions holding each pin.
WITH
weighted AS (
  SELECT e.user_id, e.pin_id, e.action, e.ts_ms, COALESCE(a.weight, {{other_action_weight}}) AS w
  FROM events e
  LEFT JOIN action_weights a ON a.action = e.action
),
ordered AS (
  SELECT user_id, pin_id, action, ts_ms, w,
    ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY ts_ms, pin_id, action) AS k,
    LAG(ts_ms) OVER (PARTITION BY user_id ORDER BY ts_ms, pin_id, action) AS previous
  FROM weighted
  WHERE w > 0
),
numbered AS (
  SELECT user_id, pin_id, w, k,
    SUM(CASE WHEN previous IS NULL OR ts_ms - previous > {{gap_ms}} THEN 1 ELSE 0 END)
      OVER (PARTITION BY user_id ORDER BY k ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS session
  FROM ordered
),
positioned AS (
  SELECT user_id, session, pin_id, w, k,
    COUNT(*) OVER (PARTITION BY user_id, session) AS n
  FROM numbered
),
engagements AS (
  SELECT user_id, session, pin_id, k, w / POWER(LOG2(1 + n), {{length_damping}}) AS wl, w, n FROM positioned
),
mass AS (
  SELECT pin_id,
    CASE WHEN {{jaccard}} = 1 THEN CAST(COUNT(DISTINCT CONCAT(user_id, '|', CAST(session AS VARCHAR))) AS DOUBLE)
         ELSE SUM(wl) END AS m
  FROM engagements
  GROUP BY pin_id
),
damped AS (
  SELECT a.pin_id, b.pin_id AS candidate_id, SUM(a.wl * b.w * POWER({{decay}}, ABS(a.k - b.k) - 1)
                                            * CASE WHEN b.k < a.k THEN {{backward}} ELSE 1 END) AS c
  FROM engagements a
  JOIN engagements b
    ON a.user_id = b.user_id AND a.session = b.session
   AND b.k BETWEEN a.k - {{max_distance}} AND a.k + {{max_distance}}
   AND a.pin_id <> b.pin_id
  WHERE {{jaccard}} = 0
  GROUP BY a.pin_id, b.pin_id
),
session_sets AS (
  SELECT DISTINCT user_id, session, pin_id FROM engagements WHERE {{jaccard}} = 1
),
shared AS (
  SELECT a.pin_id, b.pin_id AS candidate_id, CAST(COUNT(*) AS DOUBLE) AS c
  FROM session_sets a
  JOIN session_sets b ON a.user_id = b.user_id AND a.session = b.session AND a.pin_id <> b.pin_id
  GROUP BY a.pin_id, b.pin_id
),
scored AS (
  SELECT p.pin_id, p.candidate_id,
    ROUND((CASE WHEN {{jaccard}} = 1 THEN p.c / (mi.m + mj.m - p.c)
                ELSE LEAST(1, p.c / (POWER(mi.m, 1 - {{popularity_exponent}})
                                       * POWER(mj.m, {{popularity_exponent}}))) END) * 1e9) AS s
  FROM (SELECT * FROM damped UNION ALL SELECT * FROM shared) p
  JOIN mass mi ON mi.pin_id = p.pin_id
  JOIN mass mj ON mj.pin_id = p.candidate_id
  WHERE p.c > 0  -- only zero-weight pairs (backward 0): no evidence, not a candidate
),
ranked AS (
  SELECT pin_id, candidate_id, s,
    ROW_NUMBER() OVER (PARTITION BY pin_id ORDER BY s DESC, candidate_id) AS r
  FROM scored
)
SELECT pin_id, candidate_id, s / 1e9 AS score, r AS rank
FROM ranked
WHERE r <= {{top_n}}
