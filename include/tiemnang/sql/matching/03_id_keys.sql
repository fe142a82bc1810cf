-- Step 3: trusted identifiers as link keys (mt.w_idkey; khoa_id numbers the keys for the rounds of
-- step 4). Only keys held by two or more entities link anything, so only those are kept. An entity whose trusted ID agrees with the key's reference record
-- (the register's, else the first) but which is clearly another person (sex, birth year, or a different
-- given name and full name) does not join the key and its ID is no longer trusted here.
DROP TABLE IF EXISTS mt.w_idkey;
CREATE UNLOGGED TABLE mt.w_idkey AS
WITH k AS (
    SELECT ent_id, 'ddcn'::text AS kieu, ddcn_goc AS gia_tri FROM mt.w_ent WHERE ddcn_tc
    UNION ALL
    SELECT ent_id, 'bhxh', bhxh_goc FROM mt.w_ent WHERE bhxh_tc
),
shared AS (
    SELECT kieu, gia_tri, row_number() OVER () AS khoa_id FROM k GROUP BY kieu, gia_tri HAVING count(*) > 1
)
SELECT k.ent_id, k.kieu, k.gia_tri, shared.khoa_id
FROM k JOIN shared USING (kieu, gia_tri);
ANALYZE mt.w_idkey;

DROP TABLE IF EXISTS mt.w_id_mau_thuan;
CREATE UNLOGGED TABLE mt.w_id_mau_thuan AS
SELECT ent_id, kieu, gia_tri, ref_ent_id
FROM (
    SELECT k.ent_id, k.kieu, k.gia_tri, e.gioi_tinh, e.nam, e.ten, e.ten_kd,
           first_value(k.ent_id) OVER w AS ref_ent_id, first_value(e.gioi_tinh) OVER w AS ref_gioi_tinh,
           first_value(e.nam) OVER w AS ref_nam, first_value(e.ten) OVER w AS ref_ten,
           first_value(e.ten_kd) OVER w AS ref_ten_kd
    FROM mt.w_idkey k JOIN mt.w_ent e USING (ent_id)
    WINDOW w AS (PARTITION BY k.khoa_id ORDER BY e.la_dang_ky DESC, e.id_nguoi, k.ent_id)
) h
WHERE ent_id <> ref_ent_id
  AND ((gioi_tinh <> ref_gioi_tinh)
       OR (nam <> ref_nam)
       OR (ten <> ref_ten AND mt.levenshtein(ten_kd, ref_ten_kd) > 2));

DELETE FROM mt.w_idkey k USING mt.w_id_mau_thuan m
WHERE k.ent_id = m.ent_id AND k.kieu = m.kieu AND k.gia_tri = m.gia_tri;
UPDATE mt.w_ent e SET ddcn_tc = false FROM mt.w_id_mau_thuan m WHERE m.ent_id = e.ent_id AND m.kieu = 'ddcn';
UPDATE mt.w_ent e SET bhxh_tc = false FROM mt.w_id_mau_thuan m WHERE m.ent_id = e.ent_id AND m.kieu = 'bhxh';

-- A key left with one entity by the vetoes links nothing (only the vetoed keys can have shrunk).
DELETE FROM mt.w_idkey k
USING (
    SELECT i.kieu, i.gia_tri
    FROM mt.w_idkey i
    WHERE (i.kieu, i.gia_tri) IN (SELECT kieu, gia_tri FROM mt.w_id_mau_thuan)
    GROUP BY i.kieu, i.gia_tri
    HAVING count(*) = 1
) lone
WHERE k.kieu = lone.kieu AND k.gia_tri = lone.gia_tri;
ANALYZE mt.w_idkey;

-- The component labels of the entities that hold a key, narrow, for the rounds of step 4. The first
-- round is done here: each entity takes the lowest entity id among the holders of its keys.
DROP TABLE IF EXISTS mt.w_idc;
CREATE UNLOGGED TABLE mt.w_idc AS
WITH k AS (SELECT khoa_id, min(ent_id) AS c FROM mt.w_idkey GROUP BY khoa_id)
SELECT i.ent_id, min(k.c) AS comp
FROM mt.w_idkey i JOIN k USING (khoa_id)
GROUP BY i.ent_id;
ALTER TABLE mt.w_idc ADD PRIMARY KEY (ent_id);
CREATE INDEX ON mt.w_idkey (khoa_id);
ANALYZE mt.w_idc;
