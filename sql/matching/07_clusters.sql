-- Step 7: components from the strong (ID) links (mt.w_comp); each starts as its own cluster (cum).
-- hang: 2 = holds a register person, 1 = holds a trusted ID, 0 = neither.
DROP TABLE IF EXISTS mt.w_comp;
CREATE UNLOGGED TABLE mt.w_comp AS
SELECT comp, comp AS cum, NULL::bigint AS lien_a, NULL::bigint AS lien_b, NULL::numeric AS diem, 0 AS vong
FROM mt.w_ent GROUP BY comp;
ALTER TABLE mt.w_comp ADD PRIMARY KEY (comp);
CREATE INDEX ON mt.w_comp (cum);
ANALYZE mt.w_comp;
