-- Stage 1 of board co-occurrence: the pruned board graph.
-- Input:  boards(board_id, pin_id)              one row per membership (duplicates allowed)
-- Output: board_pruned(board_id, pin_id)        distinct memberships that take part in counting
-- Same rules as src/offline/board-graph/groups.ts and prune.ts:
--   1. boards above {{max_board_size}} pins keep the members with the smallest 'cap' key;
--   2. boards of {{diverse_min_size}}+ pins (0 = off) whose sampled member pairs share small
--      boards no more often than random pairs (baseline + {{diverse_margin}} * (1 - baseline))
--      are dropped;
--   3. with {{pin_degree_exponent}} < 1, a pin on d boards keeps its ceil(d^x) smallest boards.
-- Samples are keyed by hash32() (first 32 bits of MD5, see README.md), never by row order.
WITH
members AS (
  SELECT DISTINCT board_id, pin_id FROM boards
),
capped AS (
  SELECT board_id, pin_id FROM (
    SELECT board_id, pin_id,
      ROW_NUMBER() OVER (
        PARTITION BY board_id
        ORDER BY (hash32(CONCAT('{{seed}}:cap:', board_id)) + hash32(CONCAT('{{seed}}:', pin_id))) % 4294967296, pin_id
      ) AS r
    FROM members
  ) t
  WHERE r <= {{max_board_size}}
),
sized AS (
  SELECT board_id, pin_id, COUNT(*) OVER (PARTITION BY board_id) AS size FROM capped
),
-- Small boards are the evidence a big board is judged by.
evidence AS (
  SELECT board_id, pin_id FROM sized WHERE size >= 2 AND size < {{diverse_min_size}}
),
evidence_pins AS (
  SELECT DISTINCT pin_id FROM evidence
),
tested_sample AS (
  SELECT board_id, pin_id FROM (
    SELECT board_id, pin_id,
      ROW_NUMBER() OVER (
        PARTITION BY board_id
        ORDER BY (hash32(CONCAT('{{seed}}:div:', board_id)) + hash32(CONCAT('{{seed}}:', pin_id))) % 4294967296, pin_id
      ) AS r
    FROM sized
    WHERE {{diverse_min_size}} > 0 AND size >= {{diverse_min_size}}
  ) t
  WHERE r <= 12
),
tested_pairs AS (
  SELECT a.board_id, a.pin_id AS p, b.pin_id AS q
  FROM tested_sample a
  JOIN tested_sample b ON a.board_id = b.board_id AND a.pin_id < b.pin_id
  JOIN evidence_pins ep ON ep.pin_id = a.pin_id
  JOIN evidence_pins eq ON eq.pin_id = b.pin_id
),
tested_hits AS (
  SELECT DISTINCT t.board_id, t.p, t.q
  FROM tested_pairs t
  JOIN evidence e1 ON e1.pin_id = t.p
  JOIN evidence e2 ON e2.board_id = e1.board_id AND e2.pin_id = t.q
),
coherence AS (
  SELECT t.board_id, COUNT(*) AS testable, COUNT(h.board_id) AS hits
  FROM tested_pairs t
  LEFT JOIN tested_hits h ON h.board_id = t.board_id AND h.p = t.p AND h.q = t.q
  GROUP BY t.board_id
),
-- The baseline: 4096 pairs of consecutive memberships in 'base' key order.
base_top AS (
  SELECT board_id, pin_id, k FROM (
    SELECT board_id, pin_id,
      (hash32(CONCAT('{{seed}}:base:', board_id)) + hash32(CONCAT('{{seed}}:', pin_id))) % 4294967296 AS k
    FROM capped
  ) t
  ORDER BY k, board_id, pin_id
  LIMIT 8192
),
base_ranked AS (
  SELECT pin_id, ROW_NUMBER() OVER (ORDER BY k, board_id, pin_id) AS r FROM base_top
),
base_pairs AS (
  SELECT a.r, a.pin_id AS p, b.pin_id AS q
  FROM base_ranked a
  JOIN base_ranked b ON b.r = a.r + 1
  JOIN evidence_pins ep ON ep.pin_id = a.pin_id
  JOIN evidence_pins eq ON eq.pin_id = b.pin_id
  WHERE a.r % 2 = 1 AND a.pin_id <> b.pin_id
),
base_hits AS (
  SELECT DISTINCT t.r
  FROM base_pairs t
  JOIN evidence e1 ON e1.pin_id = t.p
  JOIN evidence e2 ON e2.board_id = e1.board_id AND e2.pin_id = t.q
),
baseline AS (
  SELECT CAST((SELECT COUNT(*) FROM base_hits) AS DOUBLE) / COUNT(*) AS beta
  FROM base_pairs
  HAVING COUNT(*) >= 16
),
dropped AS (
  SELECT c.board_id
  FROM coherence c CROSS JOIN baseline b
  WHERE c.testable >= 16
    AND CAST(c.hits AS DOUBLE) / c.testable <= b.beta + {{diverse_margin}} * (1 - b.beta)
),
kept AS (
  SELECT s.board_id, s.pin_id
  FROM capped s
  LEFT JOIN dropped d ON d.board_id = s.board_id
  WHERE d.board_id IS NULL
),
degree_ranked AS (
  SELECT board_id, pin_id,
    COUNT(*) OVER (PARTITION BY pin_id) AS d,
    ROW_NUMBER() OVER (PARTITION BY pin_id ORDER BY size, board_id) AS r
  FROM (SELECT board_id, pin_id, COUNT(*) OVER (PARTITION BY board_id) AS size FROM kept) t
)
SELECT board_id, pin_id
FROM degree_ranked
WHERE {{pin_degree_exponent}} >= 1 OR r <= CEIL(POWER(d, {{pin_degree_exponent}}))
