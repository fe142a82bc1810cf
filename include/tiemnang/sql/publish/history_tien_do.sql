-- Progress against targets (CONTRACT §4.8) per commune and nhom, after tong_hop (catalogue order):
--   chi_tieu = the target of D's calendar year in the chi_tieu.csv in force on D (a key written twice: the later
--              delivery, then the later row), empty when none;
--   da_dat   = the sum of so_da_tham_gia over the province's published weeks whose D falls in D's year, up to and
--              including this week — read from lists.da_tham_gia, which keeps every week's figure beyond the
--              history's retention (this week's is written here; a week published before the table existed is
--              taken from tong_hop_lich_su while the history still has it);
--   ty_le    = da_dat / chi_tieu rounded to 4 decimals, empty when there is no target or it is 0.
-- Rows: every commune and nhom of the province with a target for the year or a tong_hop row in one of the
-- year's weeks so far. Identifier: schema.
DELETE FROM {{ schema }}.tien_do_lich_su WHERE tuan = %(tuan)s;

DELETE FROM lists.da_tham_gia WHERE ma_tinh = %(ma_tinh)s AND tuan = %(tuan)s;
INSERT INTO lists.da_tham_gia (ma_tinh, tuan, ngay_tham_chieu, ma_xa, nhom, so_da_tham_gia)
SELECT %(ma_tinh)s, h.tuan, h.ngay_tham_chieu, h.ma_xa, h.nhom, h.so_da_tham_gia
FROM {{ schema }}.tong_hop_lich_su h
WHERE h.ngay_tham_chieu >= date_trunc('year', %(d)s::date) AND h.tuan <= %(tuan)s
  AND NOT EXISTS (SELECT FROM lists.da_tham_gia a WHERE a.ma_tinh = %(ma_tinh)s AND a.tuan = h.tuan)
ON CONFLICT DO NOTHING;

WITH target AS (
    SELECT DISTINCT ON (c.ma_xa, c.nhom) c.ma_xa, c.nhom, c.chi_tieu
    FROM stg.chi_tieu c
    JOIN stg.current_files(%(d)s) f ON f.file_id = c.file_id AND f.source = 'collection' AND f.kind = 'chi_tieu'
    JOIN ref.commune x ON x.ma_xa = c.ma_xa
    WHERE x.ma_tinh = %(ma_tinh)s AND c.nam = extract(year FROM %(d)s::date)
    ORDER BY c.ma_xa, c.nhom, f.delivery_date DESC, c.file_id DESC, c.dong DESC
), reached AS (
    SELECT ma_xa, nhom, sum(so_da_tham_gia)::int AS da_dat
    FROM lists.da_tham_gia
    WHERE ma_tinh = %(ma_tinh)s AND tuan <= %(tuan)s
      AND ngay_tham_chieu >= date_trunc('year', %(d)s::date)
      AND ngay_tham_chieu < date_trunc('year', %(d)s::date) + interval '1 year'
    GROUP BY ma_xa, nhom
)
INSERT INTO {{ schema }}.tien_do_lich_su (tuan, ngay_tham_chieu, nam, ma_xa, ten_xa, nhom, chi_tieu, da_dat, ty_le)
SELECT %(tuan)s, %(d)s, extract(year FROM %(d)s::date)::int, ma_xa, x.ten_xa, nhom, t.chi_tieu,
       coalesce(r.da_dat, 0),
       CASE WHEN t.chi_tieu > 0 THEN round(coalesce(r.da_dat, 0)::numeric / t.chi_tieu, 4) END
FROM target t
FULL JOIN reached r USING (ma_xa, nhom)
LEFT JOIN lists.nhom n USING (nhom)
LEFT JOIN ref.commune x USING (ma_xa)
ORDER BY ma_xa, n.uu_tien NULLS LAST, nhom;
