-- Communes with any row of the week in the province's lists, with their names; identifier: schema.
SELECT ma_xa, max(ten_xa), max(ngay_tham_chieu)
FROM (
    SELECT ma_xa, ten_xa, ngay_tham_chieu FROM {{ schema }}.tiem_nang_lich_su WHERE tuan = %(tuan)s
    UNION ALL SELECT ma_xa, ten_xa, ngay_tham_chieu FROM {{ schema }}.den_han_dong_lich_su
              WHERE tuan = %(tuan)s AND ma_xa IS NOT NULL
    UNION ALL SELECT ma_xa, ten_xa, ngay_tham_chieu FROM {{ schema }}.don_vi_tiem_nang_lich_su WHERE tuan = %(tuan)s
    UNION ALL SELECT ma_xa, ten_xa, ngay_tham_chieu FROM {{ schema }}.the_trung_lich_su WHERE tuan = %(tuan)s
    UNION ALL SELECT ma_xa, ten_xa, ngay_tham_chieu FROM {{ schema }}.don_vi_no_dong_lich_su WHERE tuan = %(tuan)s
) x
GROUP BY ma_xa ORDER BY ma_xa;
