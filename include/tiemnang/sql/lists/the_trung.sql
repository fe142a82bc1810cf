-- Duplicate cards and duplicate records (CONTRACT §4.5): after matching, a person (one human) is listed as
--   THE_TRUNG when two or more BHYT spells cover D — on one register record or on several records of the
--             same human (the state or a payer pays twice);
--   HO_SO_TRUNG otherwise, when the human has two or more register records (id_nguoi).
-- Commune: the register residence of the record with the greatest id_nguoi. `the`: every BHYT spell covering
-- D. A person whose commune cannot be known goes to ops.unplaced (with nhom = the loai), not dropped.
DELETE FROM lists.the_trung WHERE ngay_tham_chieu = %(d)s;

DROP TABLE IF EXISTS pg_temp.l_the_trung;
CREATE TEMP TABLE l_the_trung ON COMMIT DROP AS
WITH cards AS (
    SELECT person_id, count(*) AS so_the,
           jsonb_agg(jsonb_build_object(
                         'id_nguoi', id_nguoi, 'ma_doi_tuong', ma_doi_tuong, 'ma_don_vi', ma_don_vi,
                         'tu_ngay', CASE WHEN tu_ngay > '-infinity' THEN tu_ngay END, 'den_ngay', den_ngay)
                     ORDER BY tu_ngay, id_nguoi, file_id, dong) AS the
    FROM l_cov
    WHERE loai = 'BHYT' AND tu_ngay <= %(d)s AND %(d)s <= den_ngay_mo
    GROUP BY person_id
), records AS (
    SELECT person_id, array_agg(DISTINCT id_nguoi ORDER BY id_nguoi) AS ids, max(id_nguoi) AS last_id
    FROM l_reg
    GROUP BY person_id
)
SELECT r.person_id, CASE WHEN coalesce(c.so_the, 0) >= 2 THEN 'THE_TRUNG' ELSE 'HO_SO_TRUNG' END AS loai,
       r.ids, coalesce(c.the, '[]'::jsonb) AS the, g.ma_xa, x.ma_tinh
FROM records r
LEFT JOIN cards c USING (person_id)
JOIN l_reg g ON g.person_id = r.person_id AND g.id_nguoi = r.last_id
LEFT JOIN ref.commune x ON x.ma_xa = g.ma_xa
WHERE coalesce(c.so_the, 0) >= 2 OR cardinality(r.ids) >= 2;

INSERT INTO ops.unplaced (ngay_tham_chieu, person_id, nhom, ho_ten, so_ddcn, nguon)
SELECT %(d)s, t.person_id, t.loai, p.ho_ten, p.so_ddcn,
       (SELECT jsonb_agg(jsonb_build_object('nguon', 'register', 'id_nguoi', i) ORDER BY i) FROM unnest(t.ids) i)
FROM l_the_trung t
JOIN mt.person p USING (person_id)
WHERE t.ma_tinh IS NULL
ON CONFLICT (ngay_tham_chieu, person_id) DO NOTHING;   -- already there as an unplaced lead

INSERT INTO lists.the_trung (ngay_tham_chieu, person_id, loai, so_ddcn, ma_so_bhxh, ho_ten, ngay_sinh,
                             gioi_tinh, ma_xa, ma_tinh, id_nguoi, the)
SELECT %(d)s, t.person_id, t.loai, p.so_ddcn, p.ma_so_bhxh, normalize(p.ho_ten, NFC), p.ngay_sinh, p.gioi_tinh,
       t.ma_xa, t.ma_tinh, t.ids, t.the
FROM l_the_trung t
JOIN mt.person p USING (person_id)
WHERE t.ma_tinh IS NOT NULL;
