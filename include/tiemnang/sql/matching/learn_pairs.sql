-- Weight learning (tiemnang.matching.weights), after 01_records and 02_entities, in a savepoint that is
-- rolled back: mt.w_pair is replaced by labelled pairs so that 06_scores computes their comparison levels.
--   m  two entities of different files sharing a trusted so_ddcn or ma_so_bhxh (one person, for free),
--      at most %(cap)s per source pair
--   u  random pairs: %(sample)s random entities of each source against %(sample)s of each other source
SELECT setseed(0.19);
DROP TABLE IF EXISTS mt.w_pair;
CREATE UNLOGGED TABLE mt.w_pair AS
WITH ids AS (
    SELECT ent_id, nguon, file_id, 'd' || ddcn_goc AS k FROM mt.w_ent WHERE ddcn_tc
    UNION ALL
    SELECT ent_id, nguon, file_id, 'b' || bhxh_goc FROM mt.w_ent WHERE bhxh_tc
),
labelled AS (
    SELECT DISTINCT x.ent_id AS a, y.ent_id AS b, least(x.nguon, y.nguon) || '-' || greatest(x.nguon, y.nguon) AS cap
    FROM ids x JOIN ids y ON y.k = x.k AND y.ent_id > x.ent_id AND y.file_id <> x.file_id
),
m AS (
    SELECT a, b, 'm' AS nhan, cap FROM (
        SELECT *, row_number() OVER (PARTITION BY cap ORDER BY random()) AS n FROM labelled
    ) s WHERE n <= %(cap)s
),
sample AS (
    SELECT ent_id, nguon, ddcn_goc, bhxh_goc FROM (
        SELECT ent_id, nguon, ddcn_goc, bhxh_goc, row_number() OVER (PARTITION BY nguon ORDER BY random()) AS n
        FROM mt.w_ent
    ) s WHERE n <= %(sample)s
),
u AS (
    SELECT x.ent_id AS a, y.ent_id AS b, 'u' AS nhan,
           least(x.nguon, y.nguon) || '-' || greatest(x.nguon, y.nguon) AS cap
    FROM sample x JOIN sample y ON y.nguon > x.nguon OR (y.nguon = x.nguon AND y.ent_id > x.ent_id)
    WHERE NOT coalesce(x.ddcn_goc = y.ddcn_goc OR x.bhxh_goc = y.bhxh_goc, false)  -- not one person by ID
)
SELECT * FROM m UNION ALL SELECT * FROM u;
ANALYZE mt.w_pair;
