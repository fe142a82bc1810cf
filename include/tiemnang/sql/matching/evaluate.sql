-- Pairwise and cluster counts from matching_cell (evaluate_cells.sql).
WITH pred AS (SELECT person_id, sum(n) AS n, count(*) AS n_uid FROM matching_cell GROUP BY person_id),
tru AS (SELECT uid, sum(n) AS n, count(*) AS n_person FROM matching_cell GROUP BY uid),
exact AS (
    SELECT count(*) AS n
    FROM matching_cell c JOIN pred p USING (person_id) JOIN tru t USING (uid)
    WHERE t.n_person = 1 AND p.n_uid = 1
)
SELECT (SELECT coalesce(sum(n), 0) FROM matching_cell),
       (SELECT count(*) FROM matching_truth) - (SELECT coalesce(sum(n), 0) FROM matching_cell),
       (SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM tru),
       (SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM pred),
       (SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM matching_cell),
       (SELECT count(*) FROM tru),
       (SELECT count(*) FROM pred),
       (SELECT n FROM exact),
       (SELECT n FROM exact),
       (SELECT count(*) FROM pred WHERE n_uid > 1);
