-- Step 9: the hand-off. Every record in exactly one person, with the rule or score that put it there
-- and the evidence (levels only, never the values); one mt.person row per cluster with a stable key.
DROP TABLE IF EXISTS mt.w_final;
CREATE UNLOGGED TABLE mt.w_final AS
SELECT re.rec_id, e.nguon, re.ent_id, e.comp, k.cum, p.person_id
FROM mt.w_rec_ent re
JOIN mt.w_ent e ON e.ent_id = re.ent_id
JOIN mt.w_comp k ON k.comp = e.comp
JOIN (SELECT cum, min(ent_dau) AS person_id FROM mt.w_comp GROUP BY cum) p ON p.cum = k.cum;
ANALYZE mt.w_final;

-- Built as a work table first: CREATE TABLE AS may run in parallel, INSERT … SELECT may not.
DROP TABLE IF EXISTS mt.w_record_person;
CREATE UNLOGGED TABLE mt.w_record_person AS
SELECT f.rec_id, f.person_id,
       CASE WHEN f.nguon = 'register' THEN 'dang_ky'
            WHEN k.lien_a IS NOT NULL THEN 'xac_suat'
            WHEN idk.kieu = 'ddcn' THEN 'so_ddcn'
            WHEN idk.kieu = 'bhxh' THEN 'ma_so_bhxh'
            WHEN e.so_ban_ghi > 1 THEN 'cung_don_vi'
            ELSE 'rieng' END AS quy_tac,
       CASE WHEN f.nguon <> 'register' AND k.lien_a IS NOT NULL THEN k.diem END AS diem,
       -- most records carry no link and at most the ID rule: a constant, not an object built per row
       CASE WHEN (f.nguon = 'register' OR k.lien_a IS NULL) AND mtn.ent_id IS NULL AND e.so_ban_ghi <= 1
            THEN CASE idk.kieu WHEN 'ddcn' THEN '{"so_ddcn": "trung"}'::jsonb
                               WHEN 'bhxh' THEN '{"ma_so_bhxh": "trung"}'::jsonb ELSE '{}'::jsonb END
            ELSE jsonb_strip_nulls(jsonb_build_object(
           'so_ddcn', CASE WHEN idk.kieu = 'ddcn' THEN 'trung' END,
           'ma_so_bhxh', CASE WHEN idk.kieu = 'bhxh' THEN 'trung' END,
           'cung_don_vi_so_thang', CASE WHEN e.so_ban_ghi > 1 THEN e.so_ban_ghi END,
           'id_mau_thuan', CASE WHEN mtn.ent_id IS NOT NULL THEN true END,
           'lien_ket', CASE WHEN f.nguon <> 'register' AND k.lien_a IS NOT NULL THEN jsonb_build_object(
               'tu_ban_ghi', k.lien_a, 'den_ban_ghi', k.lien_b, 'diem', k.diem,
               'ho_ten', s.ho_ten, 'ngay_sinh', s.ngay_sinh, 'gioi_tinh', s.gioi_tinh, 'noi_o', s.noi_o,
               'so_ddcn', s.so_ddcn, 'ma_so_bhxh', s.ma_so_bhxh) END
       )) END AS bang_chung
FROM mt.w_final f
JOIN mt.w_ent e ON e.ent_id = f.ent_id
JOIN mt.w_comp k ON k.comp = f.comp
LEFT JOIN (SELECT ent_id, max(kieu) AS kieu FROM mt.w_idkey GROUP BY ent_id) idk ON idk.ent_id = f.ent_id
LEFT JOIN (SELECT DISTINCT ent_id FROM mt.w_id_mau_thuan) mtn ON mtn.ent_id = f.ent_id
LEFT JOIN (
    SELECT k2.comp, s2.* FROM mt.w_comp k2 JOIN mt.w_score s2 ON s2.a = k2.lien_a AND s2.b = k2.lien_b
    WHERE k2.lien_a IS NOT NULL
    UNION ALL
    SELECT k2.comp, s2.* FROM mt.w_comp k2 JOIN mt.w_score s2 ON s2.a = k2.lien_b AND s2.b = k2.lien_a
    WHERE k2.lien_a IS NOT NULL
) s ON s.comp = f.comp;

INSERT INTO mt.record_person (rec_id, person_id, quy_tac, diem, bang_chung)
SELECT * FROM mt.w_record_person;

INSERT INTO mt.person (person_id, id_nguoi, so_ddcn, ma_so_bhxh, ho_ten, ngay_sinh, gioi_tinh, khoa_nguoi,
                       so_ban_ghi, nguon)
WITH m AS (
    SELECT f.person_id, r.rec_id, r.nguon, r.id_nguoi, r.ddcn_goc, r.bhxh_goc, r.ho_ten, r.ngay_sinh,
           r.gioi_tinh, r.ma_xa, e.ddcn_tc AS ddcn_ok, e.bhxh_tc AS bhxh_ok, e.ten_dau AS k_ten
    FROM mt.w_final f
    JOIN mt.w_rec r USING (rec_id)
    JOIN mt.w_ent e ON e.ent_id = f.ent_id
),
agg AS (
    SELECT person_id, min(id_nguoi) AS id_nguoi, count(*)::int AS so_ban_ghi,
           array_agg(DISTINCT nguon ORDER BY nguon) AS nguon
    FROM m GROUP BY person_id
),
ddcn AS (
    SELECT DISTINCT ON (person_id) person_id, ddcn_goc
    FROM m WHERE ddcn_ok ORDER BY person_id, nguon <> 'register', id_nguoi, rec_id
),
bhxh AS (
    SELECT DISTINCT ON (person_id) person_id, bhxh_goc
    FROM m WHERE bhxh_ok ORDER BY person_id, nguon <> 'register', id_nguoi, rec_id
),
rep AS (
    -- the record that speaks for the person: the register's, else the most complete one
    SELECT DISTINCT ON (person_id) person_id, ho_ten, ngay_sinh, gioi_tinh, ma_xa, k_ten
    FROM m
    ORDER BY person_id, nguon <> 'register', id_nguoi, coalesce(length(ngay_sinh), 0) DESC,
             gioi_tinh IS NULL, rec_id
),
p AS (
    SELECT a.person_id, a.id_nguoi, d.ddcn_goc, b.bhxh_goc, rep.ho_ten, rep.ngay_sinh, rep.gioi_tinh,
           a.so_ban_ghi, a.nguon AS nguons,
           coalesce('ddcn:' || d.ddcn_goc, 'bhxh:' || b.bhxh_goc, 'id:' || a.id_nguoi,
                    'h:' || left(md5(concat_ws('|', rep.k_ten, rep.ngay_sinh, rep.gioi_tinh, rep.ma_xa)), 16))
               AS khoa
    FROM agg a
    JOIN rep USING (person_id)
    LEFT JOIN ddcn d USING (person_id)
    LEFT JOIN bhxh b USING (person_id)
)
SELECT person_id, id_nguoi, ddcn_goc, bhxh_goc,
       n.ho_ten_in, ngay_sinh, gioi_tinh,
       CASE WHEN row_number() OVER (PARTITION BY khoa ORDER BY person_id) = 1 THEN khoa
            ELSE khoa || '-' || row_number() OVER (PARTITION BY khoa ORDER BY person_id) END,
       so_ban_ghi, nguons
FROM p
LEFT JOIN mt.w_ten n ON n.ho_ten = p.ho_ten;

-- The indexes dropped in 01_records, built once over the whole hand-off.
ALTER TABLE mt.record ADD CONSTRAINT record_pkey PRIMARY KEY (rec_id),
                      ADD CONSTRAINT record_nguon_file_id_dong_key UNIQUE (nguon, file_id, dong);
ALTER TABLE mt.record_person ADD CONSTRAINT record_person_pkey PRIMARY KEY (rec_id);
CREATE INDEX record_person_person_idx ON mt.record_person (person_id);
ALTER TABLE mt.person ADD CONSTRAINT person_pkey PRIMARY KEY (person_id);
ANALYZE mt.record;
ANALYZE mt.record_person;
ANALYZE mt.person;
