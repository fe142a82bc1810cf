-- Step 8a (round %(round)s): what each cluster already holds, for the conflict checks of the round.
-- Only clusters touched by a link are needed. Round 1 builds the table; later rounds rebuild only the
-- clusters that received a move in the previous round (10_attach stamps the moved link's component
-- with its round) and drop the clusters that moved away — every other cluster is as it was.
TRUNCATE mt.w_cluster_doi;
INSERT INTO mt.w_cluster_doi (cum)
SELECT DISTINCT k.cum
FROM mt.w_comp k
WHERE CASE WHEN %(round)s = 1 THEN k.comp IN (SELECT ca FROM mt.w_cedge) ELSE k.vong = %(round)s - 1 END;

DELETE FROM mt.w_cluster c
WHERE %(round)s = 1
   OR c.cum IN (SELECT cum FROM mt.w_cluster_doi)
   OR (c.cum IN (SELECT x FROM mt.w_prop) AND NOT EXISTS (SELECT 1 FROM mt.w_comp k WHERE k.cum = c.cum));

INSERT INTO mt.w_cluster (cum, co_dang_ky, ddcn, bhxh, tep, hang)
SELECT cum, co_dang_ky, ddcn, bhxh, tep,
       CASE WHEN co_dang_ky THEN 2 WHEN cardinality(ddcn) + cardinality(bhxh) > 0 THEN 1 ELSE 0 END
FROM (
    SELECT k.cum,
           bool_or(e.la_dang_ky) AS co_dang_ky,
           coalesce(array_agg(DISTINCT e.ddcn_goc) FILTER (WHERE e.ddcn_tc), '{}') AS ddcn,
           coalesce(array_agg(DISTINCT e.bhxh_goc) FILTER (WHERE e.bhxh_tc), '{}') AS bhxh,
           coalesce(array_agg(DISTINCT e.file_id) FILTER (WHERE e.nguon IN ('schools', 'welfare')),
                    '{}') AS tep
    FROM mt.w_cluster_doi d
    JOIN mt.w_comp k USING (cum)
    JOIN mt.w_ent e ON e.comp = k.comp
    GROUP BY k.cum
) s;
ANALYZE mt.w_cluster;
