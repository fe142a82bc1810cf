-- Pairwise counts per source pair (s <= t) from matching_cell_src (evaluate_cells.sql): true pairs (one
-- true person), predicted pairs (one predicted person), correct pairs (both).
WITH pairs AS (
    SELECT 'true' AS kind, x.nguon AS s, y.nguon AS t,
           sum(CASE WHEN x.nguon = y.nguon THEN x.n * (x.n - 1) / 2 ELSE x.n * y.n END) AS n
    FROM (SELECT uid, nguon, sum(n) AS n FROM matching_cell_src GROUP BY uid, nguon) x
    JOIN (SELECT uid, nguon, sum(n) AS n FROM matching_cell_src GROUP BY uid, nguon) y
      ON y.uid = x.uid AND x.nguon <= y.nguon
    GROUP BY 2, 3
    UNION ALL
    SELECT 'predicted', x.nguon, y.nguon,
           sum(CASE WHEN x.nguon = y.nguon THEN x.n * (x.n - 1) / 2 ELSE x.n * y.n END)
    FROM (SELECT person_id, nguon, sum(n) AS n FROM matching_cell_src GROUP BY person_id, nguon) x
    JOIN (SELECT person_id, nguon, sum(n) AS n FROM matching_cell_src GROUP BY person_id, nguon) y
      ON y.person_id = x.person_id AND x.nguon <= y.nguon
    GROUP BY 2, 3
    UNION ALL
    SELECT 'correct', x.nguon, y.nguon,
           sum(CASE WHEN x.nguon = y.nguon THEN x.n * (x.n - 1) / 2 ELSE x.n * y.n END)
    FROM matching_cell_src x
    JOIN matching_cell_src y ON y.person_id = x.person_id AND y.uid = x.uid AND x.nguon <= y.nguon
    GROUP BY 2, 3
)
SELECT s, t,
       coalesce(sum(n) FILTER (WHERE kind = 'true'), 0)::bigint AS true_pairs,
       coalesce(sum(n) FILTER (WHERE kind = 'predicted'), 0)::bigint AS predicted_pairs,
       coalesce(sum(n) FILTER (WHERE kind = 'correct'), 0)::bigint AS correct_pairs
FROM pairs
GROUP BY s, t
HAVING sum(n) > 0
ORDER BY s, t;
