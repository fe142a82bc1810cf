-- Step 8c: make the proposed moves that conflict with no better one (rules in 09_proposals.sql).
WITH ok AS (
    SELECT p.*
    FROM mt.w_prop p
    JOIN mt.w_cluster cp ON cp.cum = p.x
    WHERE NOT EXISTS (SELECT 1 FROM mt.w_prop t WHERE t.c = p.x)
      AND NOT EXISTS (
          SELECT 1
          FROM mt.w_prop q JOIN mt.w_cluster cq ON cq.cum = q.x
          WHERE q.c = p.c AND q.x <> p.x AND (q.w > p.w OR (q.w = p.w AND q.x < p.x))
            AND ((cp.tep && cq.tep)
                 OR (cardinality(cp.ddcn) > 0 AND cardinality(cq.ddcn) > 0 AND cp.ddcn <> cq.ddcn)
                 OR (cardinality(cp.bhxh) > 0 AND cardinality(cq.bhxh) > 0 AND cp.bhxh <> cq.bhxh)))
)
UPDATE mt.w_comp k
SET cum = ok.c,
    lien_a = CASE WHEN k.comp = ea.comp THEN ok.a ELSE k.lien_a END,
    lien_b = CASE WHEN k.comp = ea.comp THEN ok.b ELSE k.lien_b END,
    diem = CASE WHEN k.comp = ea.comp THEN ok.w ELSE k.diem END,
    vong = CASE WHEN k.comp = ea.comp THEN %(round)s ELSE k.vong END
FROM ok JOIN mt.w_ent ea ON ea.ent_id = ok.a
WHERE k.cum = ok.x;
