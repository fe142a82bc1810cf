-- Step 2: entities, the units compared. A wage earner appears once per month: the rows of one employer
-- with the same raw ID, name and birth date are one entity. Every other record is an entity of its own.
DROP TABLE IF EXISTS mt.w_rec_ent;
CREATE UNLOGGED TABLE mt.w_rec_ent AS
SELECT r.rec_id, min(r.rec_id) OVER (PARTITION BY CASE WHEN r.nguon = 'wage_earners'
           THEN concat_ws('|', r.don_vi, r.ddcn_goc, r.ten_dau, r.ngay_sinh) ELSE r.rec_id::text END) AS ent_id
FROM mt.w_rec r;

DROP TABLE IF EXISTS mt.w_ent;
CREATE UNLOGGED TABLE mt.w_ent AS
WITH n AS (SELECT ent_id, count(*)::int AS so_ban_ghi FROM mt.w_rec_ent GROUP BY ent_id)
SELECT r.rec_id AS ent_id, n.so_ban_ghi, r.nguon, r.nguon = 'register' AS la_dang_ky, r.file_id, r.id_nguoi,
       r.ddcn_goc, r.ddcn_tc, r.bhxh_goc, r.bhxh_tc,
       r.ten_dau, r.ten_kd,
       split_part(r.ten_kd, ' ', 1) AS ho,
       mt.ho_nhom(split_part(r.ten_kd, ' ', 1)) AS ho_nhom,
       regexp_replace(r.ten_kd, '^.* ', '') AS ten,
       nullif(regexp_replace(r.ten_kd, ' [^ ]*$', ''), r.ten_kd) AS ho_dem,
       substr(r.ten_kd, length(split_part(r.ten_kd, ' ', 1)) + 2) AS khong_ho,
       r.ngay_sinh, left(r.ngay_sinh, 4) AS nam, r.gioi_tinh, r.ma_xa, c.ma_tinh,
       r.rec_id AS comp
FROM mt.w_rec r
JOIN n ON n.ent_id = r.rec_id
LEFT JOIN ref.commune c ON c.ma_xa = r.ma_xa;
ALTER TABLE mt.w_ent ADD PRIMARY KEY (ent_id);
CREATE INDEX ON mt.w_rec_ent (ent_id);
ANALYZE mt.w_ent;
ANALYZE mt.w_rec_ent;
