-- The week's summary (CONTRACT §4.4) per commune and nhom, against the previous published week of the
-- province: so_moi = this week's rows not on that list; so_da_tham_gia = that list's rows (counted in its
-- commune and nhom) not on this week's list and holding on D the coverage their group lacked
-- (lists.theo_doi, computed by the build for D). "The same person" across weeks: a shared khoa_nguoi,
-- so_ddcn, ma_so_bhxh, register id or source record. Identifier: schema.
-- The previous week's rows with whether each counts (and the agent it was assigned to) stay in p_tuan_truoc
-- for the rest of the publishing transaction: tien_do_dai_ly counts them per agent (§4.8).
DELETE FROM {{ schema }}.tong_hop_lich_su WHERE tuan = %(tuan)s;

DROP TABLE IF EXISTS pg_temp.p_week_rows;
CREATE TEMP TABLE p_week_rows ON COMMIT DROP AS
WITH previous AS (
    SELECT max(tuan) AS tuan FROM ops.publication WHERE ma_tinh = %(ma_tinh)s AND tuan < %(tuan)s
), week_rows AS (
    SELECT (t.tuan = %(tuan)s) AS this_week, t.ngay_tham_chieu, t.khoa_nguoi, t.ma_xa, t.nhom,
           t.so_ddcn, t.ma_so_bhxh, t.id_nguoi, t.nguon, t.ma_dai_ly
    FROM {{ schema }}.tiem_nang_lich_su t
    WHERE t.tuan = %(tuan)s OR t.tuan = (SELECT tuan FROM previous)
), week_keys AS (
    SELECT w.this_week, w.khoa_nguoi, k.khoa
    FROM week_rows w
    CROSS JOIN LATERAL lists.khoa_dong(w.khoa_nguoi, w.so_ddcn, w.ma_so_bhxh, w.id_nguoi, w.nguon) k (khoa)
), shared_keys AS (
    SELECT khoa FROM week_keys GROUP BY khoa HAVING bool_or(this_week) AND bool_or(NOT this_week)
), seen_in_other_week AS (
    SELECT DISTINCT k.this_week, k.khoa_nguoi
    FROM week_keys k
    JOIN shared_keys USING (khoa)
)
SELECT w.this_week, w.ngay_tham_chieu, w.khoa_nguoi, w.ma_xa, w.nhom, w.ma_dai_ly,
       s.khoa_nguoi IS NOT NULL AS seen_in_other_week
FROM week_rows w
LEFT JOIN seen_in_other_week s ON s.this_week = w.this_week AND s.khoa_nguoi = w.khoa_nguoi;
ANALYZE p_week_rows;

DROP TABLE IF EXISTS pg_temp.p_tuan_truoc;
CREATE TEMP TABLE p_tuan_truoc ON COMMIT DROP AS
-- theo_doi looked up by its key row by row: a join hashed the whole country's theo_doi for every province
SELECT w.ma_xa, w.nhom, w.ma_dai_ly,
       (NOT w.seen_in_other_week
        AND EXISTS (SELECT FROM lists.theo_doi f
                    WHERE f.ngay_tham_chieu = %(d)s AND f.ngay_truoc = w.ngay_tham_chieu
                      AND f.khoa_nguoi = w.khoa_nguoi
                      AND (('BHYT' = ANY (n.bao_hiem_thieu) AND f.co_bhyt)
                           OR ('BHXH_BB' = ANY (n.bao_hiem_thieu) AND f.co_bhxh_bb)
                           OR ('BHXH_TN' = ANY (n.bao_hiem_thieu) AND f.co_bhxh_tn)))) AS da_tham_gia
FROM p_week_rows w
JOIN lists.nhom n USING (nhom)
WHERE NOT w.this_week;

WITH this_week AS (
    SELECT ma_xa, nhom, count(*) AS so_nguoi, count(*) FILTER (WHERE NOT seen_in_other_week) AS so_moi
    FROM p_week_rows
    WHERE this_week
    GROUP BY ma_xa, nhom
), last_week AS (
    SELECT ma_xa, nhom, count(*) FILTER (WHERE da_tham_gia) AS so_da_tham_gia
    FROM p_tuan_truoc
    GROUP BY ma_xa, nhom
)
INSERT INTO {{ schema }}.tong_hop_lich_su (tuan, ngay_tham_chieu, ma_xa, ten_xa, nhom, so_nguoi, so_moi,
                                           so_da_tham_gia)
SELECT %(tuan)s, %(d)s, ma_xa, x.ten_xa, nhom,
       coalesce(c.so_nguoi, 0), coalesce(c.so_moi, 0), coalesce(l.so_da_tham_gia, 0)
FROM this_week c
FULL JOIN last_week l USING (ma_xa, nhom)
JOIN lists.nhom n USING (nhom)
LEFT JOIN ref.commune x USING (ma_xa)
ORDER BY ma_xa, n.uu_tien;
