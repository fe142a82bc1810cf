-- Step 2: entities, the units compared. A wage earner appears once per month: the rows of one employer
-- with the same raw ID, name and birth date are one entity. Every other record is an entity of its own
-- (only the wage earners' rows are grouped: a window over every record would sort them all for nothing).
DROP TABLE IF EXISTS mt.w_rec_ent;
CREATE UNLOGGED TABLE mt.w_rec_ent AS
SELECT rec_id, rec_id AS ent_id, 1 AS so_ban_ghi
FROM mt.w_rec
WHERE nguon <> 'wage_earners'
UNION ALL
SELECT rec_id, min(rec_id) OVER w, (count(*) OVER w)::int
FROM (
    SELECT r.rec_id, concat_ws('|', r.don_vi, r.ddcn_goc, n.ten_dau, r.ngay_sinh) AS k
    FROM mt.w_rec r
    LEFT JOIN mt.w_ten n USING (ho_ten)
    WHERE r.nguon = 'wage_earners'
) g
WINDOW w AS (PARTITION BY k);

DROP TABLE IF EXISTS mt.w_ent;
CREATE UNLOGGED TABLE mt.w_ent AS
SELECT r.rec_id AS ent_id, re.so_ban_ghi, r.nguon, r.nguon = 'register' AS la_dang_ky, r.file_id, r.id_nguoi,
       r.ddcn_goc, r.ddcn_tc, r.bhxh_goc, r.bhxh_tc,
       t.ten_dau, t.ten_kd, t.ho, t.ho_nhom, t.ten, t.ho_dem, t.khong_ho,
       r.ngay_sinh, left(r.ngay_sinh, 4) AS nam, r.gioi_tinh, r.ma_xa, c.ma_tinh,
       r.rec_id AS comp
FROM mt.w_rec r
JOIN mt.w_rec_ent re ON re.rec_id = r.rec_id AND re.ent_id = r.rec_id
LEFT JOIN mt.w_ten t USING (ho_ten)
LEFT JOIN ref.commune c ON c.ma_xa = r.ma_xa;
ALTER TABLE mt.w_ent ADD PRIMARY KEY (ent_id);
CREATE INDEX ON mt.w_rec_ent (ent_id);
ANALYZE mt.w_ent;
ANALYZE mt.w_rec_ent;
