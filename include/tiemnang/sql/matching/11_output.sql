-- Step 9: the hand-off. Every record in exactly one person, with the rule or score that put it there
-- and the evidence (levels only, never the values); one mt.person row per cluster with a stable key.
-- One row per record with every column of its entity, its component's link and itself that the statements
-- below read, so that none of them joins the 1.8M-row work tables again.
DROP TABLE IF EXISTS mt.w_final;
CREATE UNLOGGED TABLE mt.w_final AS
SELECT re.rec_id, e.nguon, re.ent_id, e.comp, k.cum, p.person_id,
       e.so_ban_ghi, e.ddcn_tc, e.bhxh_tc, e.ten_dau, k.lien_a, k.lien_b, k.diem,
       r.id_nguoi, r.ddcn_goc, r.bhxh_goc, r.ho_ten, r.ngay_sinh, r.gioi_tinh, r.ma_xa
FROM mt.w_rec_ent re
JOIN mt.w_ent e ON e.ent_id = re.ent_id
JOIN mt.w_comp k ON k.comp = e.comp
JOIN (SELECT cum, min(ent_dau) AS person_id FROM mt.w_comp GROUP BY cum) p ON p.cum = k.cum
JOIN mt.w_rec r ON r.rec_id = re.rec_id;
ANALYZE mt.w_final;

-- Built as a work table first: CREATE TABLE AS may run in parallel, INSERT … SELECT may not.
DROP TABLE IF EXISTS mt.w_record_person;
CREATE UNLOGGED TABLE mt.w_record_person AS
SELECT f.rec_id, f.person_id,
       CASE WHEN f.nguon = 'register' THEN 'dang_ky'
            WHEN f.lien_a IS NOT NULL THEN 'xac_suat'
            WHEN idk.kieu = 'ddcn' THEN 'so_ddcn'
            WHEN idk.kieu = 'bhxh' THEN 'ma_so_bhxh'
            WHEN f.so_ban_ghi > 1 THEN 'cung_don_vi'
            ELSE 'rieng' END AS quy_tac,
       CASE WHEN f.nguon <> 'register' AND f.lien_a IS NOT NULL THEN f.diem END AS diem,
       -- most records carry no link and at most the ID rule: a constant, not an object built per row
       CASE WHEN (f.nguon = 'register' OR f.lien_a IS NULL) AND mtn.ent_id IS NULL AND f.so_ban_ghi <= 1
            THEN CASE idk.kieu WHEN 'ddcn' THEN '{"so_ddcn": "trung"}'::jsonb
                               WHEN 'bhxh' THEN '{"ma_so_bhxh": "trung"}'::jsonb ELSE '{}'::jsonb END
            ELSE jsonb_strip_nulls(jsonb_build_object(
           'so_ddcn', CASE WHEN idk.kieu = 'ddcn' THEN 'trung' END,
           'ma_so_bhxh', CASE WHEN idk.kieu = 'bhxh' THEN 'trung' END,
           'cung_don_vi_so_thang', CASE WHEN f.so_ban_ghi > 1 THEN f.so_ban_ghi END,
           'id_mau_thuan', CASE WHEN mtn.ent_id IS NOT NULL THEN true END,
           'lien_ket', CASE WHEN f.nguon <> 'register' AND f.lien_a IS NOT NULL THEN jsonb_build_object(
               'tu_ban_ghi', f.lien_a, 'den_ban_ghi', f.lien_b, 'diem', f.diem,
               'ho_ten', s.ho_ten, 'ngay_sinh', s.ngay_sinh, 'gioi_tinh', s.gioi_tinh, 'noi_o', s.noi_o,
               'so_ddcn', s.so_ddcn, 'ma_so_bhxh', s.ma_so_bhxh) END
       )) END AS bang_chung
FROM mt.w_final f
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

-- The persons, as a work table: analysed, so the name join and the duplicate keys below are planned on real
-- counts (inside one statement the planner guessed 200 persons and looked names up one by one).
DROP TABLE IF EXISTS mt.w_person;
CREATE UNLOGGED TABLE mt.w_person AS
WITH agg AS (
    SELECT person_id, min(id_nguoi) AS id_nguoi, count(*)::int AS so_ban_ghi,
           array_agg(DISTINCT nguon ORDER BY nguon) AS nguon
    FROM mt.w_final GROUP BY person_id
),
-- A field result (nguon 'collection') never speaks for a person who has other records: the person's IDs, name
-- and key stay those of the records the lists are made of, so a visit does not change who the row is.
ddcn AS (
    SELECT DISTINCT ON (person_id) person_id, ddcn_goc
    FROM mt.w_final WHERE ddcn_tc AND nguon <> 'collection' ORDER BY person_id, nguon <> 'register', id_nguoi, rec_id
),
bhxh AS (
    SELECT DISTINCT ON (person_id) person_id, bhxh_goc
    FROM mt.w_final WHERE bhxh_tc AND nguon <> 'collection' ORDER BY person_id, nguon <> 'register', id_nguoi, rec_id
),
rep AS (
    -- the record that speaks for the person: the register's, else the most complete one
    SELECT DISTINCT ON (person_id) person_id, ho_ten, ngay_sinh, gioi_tinh, ma_xa, ten_dau
    FROM mt.w_final
    ORDER BY person_id, nguon <> 'register', nguon = 'collection', id_nguoi, coalesce(length(ngay_sinh), 0) DESC,
             gioi_tinh IS NULL, rec_id
)
SELECT a.person_id, a.id_nguoi, d.ddcn_goc, b.bhxh_goc, rep.ho_ten, rep.ngay_sinh, rep.gioi_tinh,
       a.so_ban_ghi, a.nguon,
       coalesce('ddcn:' || d.ddcn_goc, 'bhxh:' || b.bhxh_goc, 'id:' || a.id_nguoi,
                'h:' || left(md5(concat_ws('|', rep.ten_dau, rep.ngay_sinh, rep.gioi_tinh, rep.ma_xa)), 16))
           AS khoa
FROM agg a
JOIN rep USING (person_id)
LEFT JOIN ddcn d USING (person_id)
LEFT JOIN bhxh b USING (person_id);
ANALYZE mt.w_person;

INSERT INTO mt.person (person_id, id_nguoi, so_ddcn, ma_so_bhxh, ho_ten, ngay_sinh, gioi_tinh, khoa_nguoi,
                       so_ban_ghi, nguon)
SELECT p.person_id, p.id_nguoi, p.ddcn_goc, p.bhxh_goc, n.ho_ten_in, p.ngay_sinh, p.gioi_tinh,
       coalesce(t.khoa, p.khoa), p.so_ban_ghi, p.nguon
FROM mt.w_person p
LEFT JOIN mt.w_ten n ON n.ho_ten = p.ho_ten
-- a key two persons share (namesakes without IDs): the second and later get a suffix; found by a hash
-- aggregate, so only those persons are sorted, not every key
LEFT JOIN (
    SELECT person_id, CASE WHEN thu_tu = 1 THEN khoa ELSE khoa || '-' || thu_tu END AS khoa
    FROM (SELECT person_id, khoa, row_number() OVER (PARTITION BY khoa ORDER BY person_id) AS thu_tu
          FROM mt.w_person
          WHERE khoa IN (SELECT khoa FROM mt.w_person GROUP BY khoa HAVING count(*) > 1)) s
) t USING (person_id);

-- The indexes dropped in 01_records, built once over the whole hand-off.
ALTER TABLE mt.record ADD CONSTRAINT record_pkey PRIMARY KEY (rec_id),
                      ADD CONSTRAINT record_nguon_file_id_dong_key UNIQUE (nguon, file_id, dong);
ALTER TABLE mt.record_person ADD CONSTRAINT record_person_pkey PRIMARY KEY (rec_id);
CREATE INDEX record_person_person_idx ON mt.record_person (person_id);
ALTER TABLE mt.person ADD CONSTRAINT person_pkey PRIMARY KEY (person_id);
ANALYZE mt.record;
ANALYZE mt.record_person;
ANALYZE mt.person;
