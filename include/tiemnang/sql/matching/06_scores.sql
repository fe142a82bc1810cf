-- Step 6: compare every candidate pair (mt.w_score). Fellegi-Sunter style: each comparison adds a
-- weight log2(m/u); the name weight uses how common the name is (term frequency), so a rare name that
-- agrees counts for more than "Nguyễn Văn An". The prior is the chance that two random records are one
-- person, for a population of at least a million. Vetoes (weight NULL) are pairs that must never link.
DROP TABLE IF EXISTS mt.w_score;
CREATE UNLOGGED TABLE mt.w_score AS
WITH pop AS (
    SELECT greatest(count(*), 1000000)::float8 AS n_all,
           greatest(count(*) FILTER (WHERE la_dang_ky), 1000000)::float8 AS n_reg
    FROM mt.w_ent
),
tf AS (
    SELECT ten_kd, count(*)::float8 AS n FROM mt.w_ent WHERE ten_kd IS NOT NULL GROUP BY ten_kd
),
lv AS (
    SELECT p.a, p.b, x.comp AS ca, y.comp AS cb,
           CASE
               WHEN x.ten_kd IS NULL OR y.ten_kd IS NULL THEN 'thieu'
               WHEN x.ten_dau = y.ten_dau THEN 'trung'
               WHEN x.ten_kd = y.ten_kd THEN 'khong_dau'
               WHEN x.khong_ho = y.khong_ho AND x.ho_nhom = y.ho_nhom THEN 'ho_vung'
               WHEN x.ten = y.ten AND x.ho = y.ho THEN 'ten_dem_khac'
               WHEN x.ten = y.ten AND mt.levenshtein(x.ten_kd, y.ten_kd) <= 2 THEN 'go_sai_ho'
               WHEN x.ho_nhom = y.ho_nhom AND coalesce(x.ho_dem, '') = coalesce(y.ho_dem, '')
                    AND mt.levenshtein(x.ten, y.ten) = 1 THEN 'go_sai_ten'
               ELSE 'khac'
           END AS ho_ten,
           CASE
               -- one side has no birth date but a trusted so_ddcn, whose digits 4-6 give the birth year:
               -- a year the other side's date contradicts is a different birth date, not a missing one
               WHEN x.ngay_sinh IS NULL AND y.ngay_sinh IS NOT NULL AND x.ddcn_tc AND x.ddcn_goc ~ '^[0-9]{12}$'
                    AND (1900 + 100 * (substr(x.ddcn_goc, 4, 1)::int / 2) + substr(x.ddcn_goc, 5, 2)::int)::text
                        <> left(y.ngay_sinh, 4) THEN 'khac'
               WHEN y.ngay_sinh IS NULL AND x.ngay_sinh IS NOT NULL AND y.ddcn_tc AND y.ddcn_goc ~ '^[0-9]{12}$'
                    AND (1900 + 100 * (substr(y.ddcn_goc, 4, 1)::int / 2) + substr(y.ddcn_goc, 5, 2)::int)::text
                        <> left(x.ngay_sinh, 4) THEN 'khac'
               -- two partial dates (year, or month and year) one digit apart are two different years:
               -- among random pairs that is common, so it is no evidence of one person
               WHEN length(x.ngay_sinh) < 10 AND length(y.ngay_sinh) < 10
                    AND left(x.ngay_sinh, 4) <> left(y.ngay_sinh, 4) THEN 'khac'
               ELSE mt.muc_ngay_sinh(x.ngay_sinh, y.ngay_sinh)
           END AS ngay_sinh,
           CASE WHEN x.gioi_tinh IS NULL OR y.gioi_tinh IS NULL THEN 'thieu'
                WHEN x.gioi_tinh = y.gioi_tinh THEN 'trung' ELSE 'khac' END AS gioi_tinh,
           CASE WHEN x.ma_xa IS NULL OR y.ma_xa IS NULL THEN 'thieu'
                WHEN x.ma_xa = y.ma_xa THEN 'cung_xa'
                WHEN x.ma_tinh = y.ma_tinh THEN 'cung_tinh' ELSE 'khac_tinh' END AS noi_o,
           CASE WHEN x.ddcn_goc IS NULL OR y.ddcn_goc IS NULL THEN 'thieu'
                WHEN x.ddcn_goc = y.ddcn_goc THEN 'trung'
                WHEN mt.id_gan(x.ddcn_goc, y.ddcn_goc) THEN 'gan'
                WHEN x.ddcn_tc AND y.ddcn_tc THEN 'khac_tin_cay' ELSE 'khac' END AS so_ddcn,
           CASE WHEN x.bhxh_goc IS NULL OR y.bhxh_goc IS NULL THEN 'thieu'
                WHEN x.bhxh_goc = y.bhxh_goc THEN 'trung'
                WHEN mt.id_gan(x.bhxh_goc, y.bhxh_goc) THEN 'gan'
                WHEN x.bhxh_tc AND y.bhxh_tc THEN 'khac_tin_cay' ELSE 'khac' END AS ma_so_bhxh,
           x.file_id = y.file_id AND x.nguon IN ('schools', 'welfare') AS cung_tep,
           tf.n AS tf_n
    FROM mt.w_pair p
    JOIN mt.w_ent x ON x.ent_id = p.a
    JOIN mt.w_ent y ON y.ent_id = p.b
    LEFT JOIN tf ON tf.ten_kd = x.ten_kd
)
SELECT lv.a, lv.b, lv.ca, lv.cb, lv.ho_ten, lv.ngay_sinh, lv.gioi_tinh, lv.noi_o, lv.so_ddcn, lv.ma_so_bhxh,
       CASE
           WHEN lv.ho_ten = 'khac' OR lv.cung_tep
                OR 'khac_tin_cay' IN (lv.so_ddcn, lv.ma_so_bhxh)
                OR (lv.gioi_tinh = 'khac' AND lv.ngay_sinh <> 'trung') THEN NULL
           ELSE round((
               -ln(pop.n_reg) / ln(2.0)
               + CASE lv.ho_ten
                     WHEN 'trung' THEN ln(0.9 * pop.n_all / greatest(lv.tf_n, 1)) / ln(2.0)
                     WHEN 'khong_dau' THEN ln(0.9 * pop.n_all / greatest(lv.tf_n, 1)) / ln(2.0) - 1
                     WHEN 'ho_vung' THEN 9
                     WHEN 'ten_dem_khac' THEN 8
                     WHEN 'go_sai_ho' THEN 4
                     WHEN 'go_sai_ten' THEN 0
                     ELSE 0 END
               + CASE lv.ngay_sinh
                     WHEN 'trung' THEN 13 WHEN 'dao_ngay_thang' THEN 6 WHEN 'sai_mot_so' THEN 5
                     WHEN 'mot_phan' THEN 6 WHEN 'cung_nam' THEN -8 WHEN 'khac' THEN -12 ELSE 0 END
               + CASE lv.gioi_tinh WHEN 'trung' THEN 1 WHEN 'khac' THEN -6 ELSE 0 END
               + CASE lv.noi_o WHEN 'cung_xa' THEN 8 WHEN 'cung_tinh' THEN 2 WHEN 'khac_tinh' THEN -2 ELSE 0 END
               + CASE lv.so_ddcn WHEN 'trung' THEN 14 WHEN 'gan' THEN 8 WHEN 'khac' THEN -3 ELSE 0 END
               + CASE lv.ma_so_bhxh WHEN 'trung' THEN 14 WHEN 'gan' THEN 8 WHEN 'khac' THEN -3 ELSE 0 END
           )::numeric, 2)
       END AS w
FROM lv CROSS JOIN pop;
ANALYZE mt.w_score;

-- The best link between two components, in both directions (ca is the side that may move).
DROP TABLE IF EXISTS mt.w_cedge;
CREATE UNLOGGED TABLE mt.w_cedge AS
SELECT DISTINCT ON (ca, cb) ca, cb, w, a, b
FROM (
    SELECT ca, cb, w, a, b FROM mt.w_score WHERE w >= %(threshold)s
    UNION ALL
    SELECT cb, ca, w, b, a FROM mt.w_score WHERE w >= %(threshold)s
) s
ORDER BY ca, cb, w DESC, a, b;
CREATE INDEX ON mt.w_cedge (ca);
ANALYZE mt.w_cedge;
