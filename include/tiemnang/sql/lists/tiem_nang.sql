-- One row per lead person for D: nhom = first group by priority, ly_do = every group, commune from the
-- records behind nhom (latest delivery wins), thon = the Thôn/Tổ dân phố of that record (welfare lists carry
-- one), nguon = every source record merged into the person (the field results, nguon 'collection', are not
-- source records of the list: they are shown as ket_qua_gan_nhat / ngay_ket_qua, CONTRACT §4.7).
-- Leads with no knowable commune go to ops.unplaced with their source records. A person whose latest field
-- result excludes them (l_ket_qua.loai_tru) goes to lists.loai_tru with the group they would have had.
-- The chosen groups are a work table (analyzed) so the joins below get real row counts and hash plans.
DROP TABLE IF EXISTS pg_temp.l_chosen;
CREATE TEMP TABLE l_chosen ON COMMIT DROP AS
WITH groups AS (
    SELECT DISTINCT l.person_id, l.nhom, n.uu_tien
    FROM l_lead l JOIN lists.nhom n USING (nhom)
)
SELECT person_id,
       (array_agg(nhom ORDER BY uu_tien))[1] AS nhom,
       array_agg(nhom ORDER BY uu_tien) AS ly_do
FROM groups GROUP BY person_id;
ANALYZE l_chosen;

DROP TABLE IF EXISTS pg_temp.l_row;
CREATE TEMP TABLE l_row ON COMMIT DROP AS
WITH place AS (
    SELECT DISTINCT ON (l.person_id) l.person_id, l.ma_xa, l.file_id, l.dong
    FROM l_lead l JOIN l_chosen c USING (person_id, nhom)
    WHERE l.ma_xa IS NOT NULL
    ORDER BY l.person_id, l.delivery_date DESC NULLS LAST, l.file_id DESC, l.dong DESC
), sources AS (
    SELECT r.person_id,
           jsonb_agg(CASE WHEN r.nguon = 'register'
                          THEN jsonb_build_object('nguon', r.nguon, 'id_nguoi', r.id_nguoi)
                          ELSE jsonb_build_object('nguon', r.nguon, 'tep', f.path, 'dong', r.dong) END
                     ORDER BY r.nguon, f.path, r.dong) AS nguon
    FROM l_chosen c
    JOIN l_rec r USING (person_id)
    JOIN ops.file_log f ON f.file_id = r.file_id
    WHERE r.nguon <> 'collection'
    GROUP BY r.person_id
)
SELECT c.person_id, p.khoa_nguoi, p.id_nguoi, p.so_ddcn, p.ma_so_bhxh,
       normalize(p.ho_ten, NFC) AS ho_ten, p.ngay_sinh, p.gioi_tinh,
       pl.ma_xa, x.ma_tinh, c.nhom, c.ly_do, coalesce(s.nguon, '[]'::jsonb) AS nguon,
       normalize(nullif(btrim(w.thon), ''), NFC) AS thon,
       k.ket_qua, k.ngay AS ngay_ket_qua, k.ma_dai_ly AS dai_ly_ket_qua, coalesce(k.loai_tru, false) AS loai_tru
FROM l_chosen c
JOIN mt.person p USING (person_id)
LEFT JOIN place pl USING (person_id)
LEFT JOIN ref.commune x ON x.ma_xa = pl.ma_xa
LEFT JOIN stg.welfare w ON w.file_id = pl.file_id AND w.dong = pl.dong    -- the record behind the commune
LEFT JOIN sources s USING (person_id)
LEFT JOIN l_ket_qua k USING (person_id);

DELETE FROM lists.tiem_nang WHERE ngay_tham_chieu = %(d)s;
DELETE FROM ops.unplaced WHERE ngay_tham_chieu = %(d)s;
DELETE FROM lists.loai_tru WHERE ngay_tham_chieu = %(d)s AND danh_sach = 'tiem_nang';

INSERT INTO ops.unplaced (ngay_tham_chieu, person_id, nhom, ho_ten, so_ddcn, nguon)
SELECT %(d)s, person_id, nhom, ho_ten, so_ddcn, nguon FROM l_row WHERE ma_xa IS NULL;

INSERT INTO lists.loai_tru (ngay_tham_chieu, danh_sach, person_id, nhom, id_nguoi, so_ddcn, ma_so_bhxh, ho_ten,
                            ngay_sinh, ma_xa, ma_tinh, thon, ket_qua, ngay_ket_qua, ma_dai_ly)
SELECT %(d)s, 'tiem_nang', person_id, nhom, id_nguoi, so_ddcn, ma_so_bhxh, ho_ten,
       ngay_sinh, ma_xa, ma_tinh, thon, ket_qua, ngay_ket_qua, dai_ly_ket_qua
FROM l_row WHERE ma_xa IS NOT NULL AND loai_tru;

INSERT INTO lists.tiem_nang (ngay_tham_chieu, person_id, khoa_nguoi, id_nguoi, so_ddcn, ma_so_bhxh, ho_ten,
                             ngay_sinh, gioi_tinh, ma_xa, ma_tinh, nhom, ly_do, nguon, thon, ket_qua_gan_nhat,
                             ngay_ket_qua)
SELECT %(d)s, person_id, khoa_nguoi, id_nguoi, so_ddcn, ma_so_bhxh, ho_ten,
       ngay_sinh, gioi_tinh, ma_xa, ma_tinh, nhom, ly_do, nguon, thon, ket_qua, ngay_ket_qua
FROM l_row WHERE ma_xa IS NOT NULL AND NOT loai_tru;
