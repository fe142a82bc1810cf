-- Step 7: components from the strong (ID) links (mt.w_comp); each starts as its own cluster (cum).
-- ent_dau, the component's lowest entity id, is its lowest record id (an entity's id is its first record's).
-- The cluster state (mt.w_cluster, hang: 2 = holds a register person, 1 = holds a trusted ID, 0 =
-- neither) and the proposals (mt.w_prop) start empty; 08–10 fill them round by round.
DROP TABLE IF EXISTS mt.w_comp;
CREATE UNLOGGED TABLE mt.w_comp AS
SELECT comp, comp AS cum, NULL::bigint AS lien_a, NULL::bigint AS lien_b, NULL::numeric AS diem, 0 AS vong,
       min(ent_id) AS ent_dau
FROM mt.w_ent GROUP BY comp;
ALTER TABLE mt.w_comp ADD PRIMARY KEY (comp);
CREATE INDEX ON mt.w_comp (cum);
CREATE INDEX ON mt.w_ent (comp);
ANALYZE mt.w_comp;

DROP TABLE IF EXISTS mt.w_cluster;
CREATE UNLOGGED TABLE mt.w_cluster (
    cum bigint PRIMARY KEY, co_dang_ky boolean, ddcn text[], bhxh text[], tep bigint[], hang int
);
DROP TABLE IF EXISTS mt.w_cluster_doi;
CREATE UNLOGGED TABLE mt.w_cluster_doi (cum bigint PRIMARY KEY);
DROP TABLE IF EXISTS mt.w_prop;
CREATE UNLOGGED TABLE mt.w_prop (x bigint, c bigint, w numeric, a bigint, b bigint);
