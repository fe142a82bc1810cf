-- Step 1: every person-record in force on D, with raw identifiers (mt.w_rec), the name keys and name parts
-- (mt.w_ten, one row per distinct name: names repeat massively — 75k names for 1.8M records in the 1M
-- world — and the keys cost ~20 µs per call), and the
-- hand-off copy in mt.record (trusted identifiers only).
TRUNCATE mt.record, mt.record_person, mt.person;
-- The hand-off tables are refilled whole in this transaction: their indexes go now and are built once at
-- the end of 11_output, about twice as fast as keeping them up to date row by row.
ALTER TABLE mt.record DROP CONSTRAINT record_pkey, DROP CONSTRAINT record_nguon_file_id_dong_key;
ALTER TABLE mt.record_person DROP CONSTRAINT record_person_pkey;
DROP INDEX mt.record_person_person_idx;
ALTER TABLE mt.person DROP CONSTRAINT person_pkey;

DROP TABLE IF EXISTS mt.w_rec;
CREATE UNLOGGED TABLE mt.w_rec AS
WITH cf AS (
    SELECT file_id FROM stg.current_files(%(as_of)s)
),
employer AS (
    SELECT DISTINCT ON (e.ma_so_thue) e.ma_so_thue, e.ma_xa
    FROM stg.enterprises e JOIN cf USING (file_id)
    ORDER BY e.ma_so_thue, e.file_id DESC, e.dong DESC
),
src AS (
    SELECT 1 AS thu_tu, 'register' AS nguon, p.file_id, p.dong, p.id_nguoi,
           p.so_ddcn AS ddcn_goc, p.so_ddcn_tin_cay AS ddcn_tc, p.ma_so_bhxh AS bhxh_goc,
           p.ma_so_bhxh_tin_cay AS bhxh_tc, p.ho_ten, p.ngay_sinh, p.ngay_sinh_dau, p.gioi_tinh, p.ma_xa,
           NULL::text AS don_vi
    FROM stg.persons p JOIN cf USING (file_id)
    UNION ALL
    SELECT 2, 'schools', s.file_id, s.dong, NULL, s.so_ddcn, s.so_ddcn_tin_cay, s.ma_so_bhxh,
           s.ma_so_bhxh_tin_cay, s.ho_ten, s.ngay_sinh, s.ngay_sinh_dau, s.gioi_tinh, sc.ma_xa, NULL
    FROM stg.students s JOIN cf USING (file_id)
    LEFT JOIN stg.current_schools(%(as_of)s) sc USING (ma_truong)
    UNION ALL
    SELECT 3, 'welfare', w.file_id, w.dong, NULL, w.so_ddcn, w.so_ddcn_tin_cay, w.ma_so_bhxh,
           w.ma_so_bhxh_tin_cay, w.ho_ten, w.ngay_sinh, w.ngay_sinh_dau, w.gioi_tinh, w.ma_xa, NULL
    FROM stg.welfare w JOIN cf USING (file_id)
    UNION ALL
    SELECT 4, 'household_businesses', h.file_id, h.dong, NULL, h.so_ddcn, h.so_ddcn_tin_cay, NULL, false,
           h.ho_ten, h.ngay_sinh, h.ngay_sinh_dau, h.gioi_tinh, h.ma_xa, NULL
    FROM stg.household_businesses h JOIN cf USING (file_id)
    UNION ALL
    SELECT 5, 'wage_earners', g.file_id, g.dong, NULL, g.so_ddcn, g.so_ddcn_tin_cay, NULL, false,
           g.ho_ten, g.ngay_sinh, g.ngay_sinh_dau, NULL, em.ma_xa, g.ma_so_thue_don_vi
    FROM stg.wage_earners g JOIN cf USING (file_id)
    LEFT JOIN employer em ON em.ma_so_thue = g.ma_so_thue_don_vi
    UNION ALL
    -- field results (CONTRACT §4.7): matched to people like any other record (IDs first, then name, birth
    -- date and commune); they make no leads and are not a list row's source records
    SELECT 6, 'collection', k.file_id, k.dong, NULL, k.so_ddcn, k.so_ddcn_tin_cay, NULL, false,
           k.ho_ten, k.ngay_sinh, k.ngay_sinh_dau, k.gioi_tinh, k.ma_xa, NULL
    FROM stg.ket_qua k JOIN cf USING (file_id)
)
SELECT row_number() OVER (ORDER BY thu_tu, file_id, dong) AS rec_id,
       nguon, file_id, dong, id_nguoi,
       nullif(ddcn_goc, '') AS ddcn_goc, ddcn_tc AND coalesce(ddcn_goc, '') <> '' AS ddcn_tc,
       nullif(bhxh_goc, '') AS bhxh_goc, bhxh_tc AND coalesce(bhxh_goc, '') <> '' AS bhxh_tc,
       ho_ten, nullif(ngay_sinh, '') AS ngay_sinh, ngay_sinh_dau, gioi_tinh, ma_xa, don_vi
FROM src;

DROP TABLE IF EXISTS mt.w_ten;
CREATE UNLOGGED TABLE mt.w_ten AS
WITH k AS (
    SELECT ho_ten, mt.khoa_dau(ho_ten) AS ten_dau, mt.khong_dau(ho_ten) AS ten_kd
    FROM (SELECT DISTINCT ho_ten FROM mt.w_rec WHERE ho_ten IS NOT NULL) n
)
SELECT ho_ten, ten_dau, ten_kd,
       split_part(ten_kd, ' ', 1) AS ho,
       mt.ho_nhom(split_part(ten_kd, ' ', 1)) AS ho_nhom,
       regexp_replace(ten_kd, '^.* ', '') AS ten,
       nullif(regexp_replace(ten_kd, ' [^ ]*$', ''), ten_kd) AS ho_dem,
       substr(ten_kd, length(split_part(ten_kd, ' ', 1)) + 2) AS khong_ho,
       -- the name as mt.person shows it (11_output), also once per distinct name; the spaces are spelt out
       -- (Python's \s), since the class \s follows the database's locale
       nullif(btrim(regexp_replace(normalize(ho_ten, NFC),
                                   '[\t\n\v\f\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+',
                                   ' ', 'g'), ' '), '') AS ho_ten_in
FROM k;
ALTER TABLE mt.w_ten ADD PRIMARY KEY (ho_ten);
ANALYZE mt.w_ten;

INSERT INTO mt.record (rec_id, nguon, file_id, dong, id_nguoi, so_ddcn, ma_so_bhxh, ho_ten, ngay_sinh,
                       ngay_sinh_dau, gioi_tinh, ma_xa, ten_khong_dau)
SELECT r.rec_id, r.nguon, r.file_id, r.dong, r.id_nguoi,
       CASE WHEN r.ddcn_tc THEN r.ddcn_goc END, CASE WHEN r.bhxh_tc THEN r.bhxh_goc END,
       r.ho_ten, r.ngay_sinh, r.ngay_sinh_dau, r.gioi_tinh, r.ma_xa, n.ten_kd
FROM mt.w_rec r
LEFT JOIN mt.w_ten n USING (ho_ten);
