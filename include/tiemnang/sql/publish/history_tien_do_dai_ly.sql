-- The agents' figures (CONTRACT §4.8) per agent and commune, after tong_hop (catalogue order; it leaves
-- p_tuan_truoc, the previous week's tiem_nang rows with whether each counts in this week's so_da_tham_gia):
--   so_duoc_giao   rows of both lists assigned to the agent this week (lists.* for D);
--   so_co_ket_qua  of those, rows whose person has a result by this agent dated in the 30 days before D
--                  (co_ket_qua_dai_ly, set by the build's assignment);
--   so_da_tham_gia rows assigned to the agent in the previous published week (counted in that week's commune)
--                  that count in this week's tong_hop.so_da_tham_gia, or, for den_han_dong, whose person now
--                  has a later spell of that insurance (lists.theo_doi_den_han).
-- Rows: every agent and commune with a figure, and every agent active on D in a commune of the province.
-- ten_dai_ly from the dai_ly_thu.csv in force on D. Identifier: schema.
DELETE FROM {{ schema }}.tien_do_dai_ly_lich_su WHERE tuan = %(tuan)s;

WITH agent_rows AS (
    SELECT a.ma_dai_ly, a.ten_dai_ly, a.ma_xa, a.tu_ngay, a.den_ngay, a.file_id, a.dong, f.delivery_date
    FROM stg.dai_ly_thu a
    JOIN stg.current_files(%(d)s) f ON f.file_id = a.file_id AND f.source = 'collection' AND f.kind = 'dai_ly_thu'
), names AS (
    SELECT DISTINCT ON (ma_dai_ly) ma_dai_ly, ten_dai_ly
    FROM agent_rows
    WHERE nullif(btrim(ten_dai_ly), '') IS NOT NULL
    ORDER BY ma_dai_ly, delivery_date DESC, file_id DESC, dong DESC
), active AS (
    SELECT DISTINCT a.ma_dai_ly, a.ma_xa
    FROM agent_rows a
    JOIN ref.commune x ON x.ma_xa = a.ma_xa
    WHERE x.ma_tinh = %(ma_tinh)s AND a.tu_ngay <= %(d)s AND %(d)s <= coalesce(a.den_ngay, 'infinity'::date)
), assigned AS (
    SELECT ma_dai_ly, ma_xa, count(*)::int AS so_duoc_giao,
           (count(*) FILTER (WHERE co_ket_qua_dai_ly))::int AS so_co_ket_qua
    FROM (SELECT ma_dai_ly, ma_xa, co_ket_qua_dai_ly FROM lists.tiem_nang
          WHERE ngay_tham_chieu = %(d)s AND ma_tinh = %(ma_tinh)s AND ma_dai_ly IS NOT NULL
          UNION ALL
          SELECT ma_dai_ly, ma_xa, co_ket_qua_dai_ly FROM lists.den_han_dong
          WHERE ngay_tham_chieu = %(d)s AND ma_tinh = %(ma_tinh)s AND ma_dai_ly IS NOT NULL) r
    GROUP BY ma_dai_ly, ma_xa
), previous AS (
    SELECT max(tuan) AS tuan FROM ops.publication WHERE ma_tinh = %(ma_tinh)s AND tuan < %(tuan)s
), joined AS (
    SELECT ma_dai_ly, ma_xa, count(*)::int AS so_da_tham_gia
    FROM (SELECT ma_dai_ly, ma_xa FROM p_tuan_truoc WHERE da_tham_gia AND ma_dai_ly IS NOT NULL
          UNION ALL
          SELECT h.ma_dai_ly, h.ma_xa
          FROM {{ schema }}.den_han_dong_lich_su h
          JOIN lists.theo_doi_den_han f
            ON f.ngay_tham_chieu = %(d)s AND f.ngay_truoc = h.ngay_tham_chieu AND f.id_nguoi = h.id_nguoi
           AND f.loai = h.loai
          WHERE h.tuan = (SELECT tuan FROM previous) AND h.ma_dai_ly IS NOT NULL AND f.da_dong_tiep) r
    GROUP BY ma_dai_ly, ma_xa
)
INSERT INTO {{ schema }}.tien_do_dai_ly_lich_su (tuan, ngay_tham_chieu, ma_dai_ly, ten_dai_ly, ma_xa, ten_xa,
                                                 so_duoc_giao, so_co_ket_qua, so_da_tham_gia)
SELECT %(tuan)s, %(d)s, ma_dai_ly, n.ten_dai_ly, ma_xa, x.ten_xa,
       coalesce(s.so_duoc_giao, 0), coalesce(s.so_co_ket_qua, 0), coalesce(j.so_da_tham_gia, 0)
FROM active a
FULL JOIN assigned s USING (ma_dai_ly, ma_xa)
FULL JOIN joined j USING (ma_dai_ly, ma_xa)
LEFT JOIN names n USING (ma_dai_ly)
LEFT JOIN ref.commune x USING (ma_xa)
ORDER BY ma_xa, ma_dai_ly COLLATE "C";
