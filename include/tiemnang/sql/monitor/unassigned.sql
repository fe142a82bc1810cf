-- Rows of one province's two lists of a week per commune, and how many of them have no agent (an empty ma_dai_ly:
-- no agent active on D serves the row's commune or hamlet, CONTRACT §4.7). den_han_dong rows without a commune
-- count under an empty ma_xa. Identifier: schema.
SELECT coalesce(x.ma_xa, '') AS ma_xa, max(x.ten_xa) AS ten_xa,
       count(*) FILTER (WHERE x.danh_sach = 'tiem_nang') AS so_tiem_nang,
       count(*) FILTER (WHERE x.danh_sach = 'tiem_nang' AND coalesce(x.ma_dai_ly, '') = '') AS tiem_nang_chua_giao,
       count(*) FILTER (WHERE x.danh_sach = 'den_han_dong') AS so_den_han,
       count(*) FILTER (WHERE x.danh_sach = 'den_han_dong' AND coalesce(x.ma_dai_ly, '') = '') AS den_han_chua_giao
FROM (
    SELECT 'tiem_nang' AS danh_sach, ma_xa, ten_xa, ma_dai_ly
    FROM {{ schema }}.tiem_nang_lich_su WHERE tuan = %(tuan)s
    UNION ALL
    SELECT 'den_han_dong', ma_xa, ten_xa, ma_dai_ly
    FROM {{ schema }}.den_han_dong_lich_su WHERE tuan = %(tuan)s
) x
GROUP BY coalesce(x.ma_xa, '')
ORDER BY 1;
