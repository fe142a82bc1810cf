-- Step 3: trusted identifiers as link keys (mt.w_idkey). An entity whose trusted ID agrees with the key's
-- reference record (the register's, else the first) but which is clearly another person (sex, birth year,
-- or a different given name and full name) does not join the key and its ID is no longer trusted here.
DROP TABLE IF EXISTS mt.w_idkey;
CREATE UNLOGGED TABLE mt.w_idkey AS
SELECT ent_id, 'ddcn'::text AS kieu, ddcn_goc AS gia_tri FROM mt.w_ent WHERE ddcn_tc
UNION ALL
SELECT ent_id, 'bhxh', bhxh_goc FROM mt.w_ent WHERE bhxh_tc;

DROP TABLE IF EXISTS mt.w_id_mau_thuan;
CREATE UNLOGGED TABLE mt.w_id_mau_thuan AS
WITH ref AS (
    SELECT DISTINCT ON (k.kieu, k.gia_tri) k.kieu, k.gia_tri, k.ent_id
    FROM mt.w_idkey k JOIN mt.w_ent e USING (ent_id)
    ORDER BY k.kieu, k.gia_tri, e.la_dang_ky DESC, e.id_nguoi, k.ent_id
)
SELECT k.ent_id, k.kieu, k.gia_tri, r.ent_id AS ref_ent_id
FROM mt.w_idkey k
JOIN ref r USING (kieu, gia_tri)
JOIN mt.w_ent e ON e.ent_id = k.ent_id
JOIN mt.w_ent f ON f.ent_id = r.ent_id
WHERE k.ent_id <> r.ent_id
  AND ((e.gioi_tinh <> f.gioi_tinh)
       OR (e.nam <> f.nam)
       OR (e.ten <> f.ten AND mt.levenshtein(e.ten_kd, f.ten_kd) > 2));

DELETE FROM mt.w_idkey k USING mt.w_id_mau_thuan m
WHERE k.ent_id = m.ent_id AND k.kieu = m.kieu AND k.gia_tri = m.gia_tri;
UPDATE mt.w_ent e SET ddcn_tc = false FROM mt.w_id_mau_thuan m WHERE m.ent_id = e.ent_id AND m.kieu = 'ddcn';
UPDATE mt.w_ent e SET bhxh_tc = false FROM mt.w_id_mau_thuan m WHERE m.ent_id = e.ent_id AND m.kieu = 'bhxh';

-- Keys held by one entity link nothing.
DELETE FROM mt.w_idkey k
WHERE NOT EXISTS (SELECT 1 FROM mt.w_idkey o WHERE o.kieu = k.kieu AND o.gia_tri = k.gia_tri AND o.ent_id <> k.ent_id);
CREATE INDEX ON mt.w_idkey (ent_id);
CREATE INDEX ON mt.w_idkey (kieu, gia_tri);
ANALYZE mt.w_idkey;
