-- Step 8a (each round): what each cluster already holds, for the conflict checks of the next round.
-- Only clusters touched by a link are needed.
DROP TABLE IF EXISTS mt.w_cluster;
CREATE UNLOGGED TABLE mt.w_cluster AS
WITH touched AS (
    SELECT DISTINCT k.cum
    FROM mt.w_comp k
    WHERE k.comp IN (SELECT ca FROM mt.w_cedge)
)
SELECT k.cum,
       bool_or(e.la_dang_ky) AS co_dang_ky,
       coalesce(array_agg(DISTINCT e.ddcn_goc) FILTER (WHERE e.ddcn_tc), '{}') AS ddcn,
       coalesce(array_agg(DISTINCT e.bhxh_goc) FILTER (WHERE e.bhxh_tc), '{}') AS bhxh,
       coalesce(array_agg(DISTINCT e.file_id) FILTER (WHERE e.nguon IN ('schools', 'welfare')),
                '{}') AS tep
FROM mt.w_comp k
JOIN touched USING (cum)
JOIN mt.w_ent e ON e.comp = k.comp
GROUP BY k.cum;
ALTER TABLE mt.w_cluster ADD PRIMARY KEY (cum);
ALTER TABLE mt.w_cluster ADD COLUMN hang int;
UPDATE mt.w_cluster SET hang = CASE WHEN co_dang_ky THEN 2
                                    WHEN cardinality(ddcn) + cardinality(bhxh) > 0 THEN 1 ELSE 0 END;
ANALYZE mt.w_cluster;
