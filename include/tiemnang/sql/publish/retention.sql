-- Keep the history of the latest so_tuan_luu_lich_su weeks (parameter in force on the latest published D):
-- weeks whose D is more than that many weeks before it are removed. Returns the number of weeks removed.
-- Identifier: schema.
WITH cutoff AS (
    SELECT max(ngay_tham_chieu)
           - 7 * ref.tham_so_tai('so_tuan_luu_lich_su', max(ngay_tham_chieu))::int AS ngay
    FROM ops.publication WHERE ma_tinh = %(ma_tinh)s
), old AS (
    SELECT tuan FROM ops.publication, cutoff
    WHERE ma_tinh = %(ma_tinh)s AND ngay_tham_chieu <= cutoff.ngay
), a AS (
    DELETE FROM {{ schema }}.tiem_nang_lich_su WHERE tuan IN (SELECT tuan FROM old) RETURNING 1
), b AS (
    DELETE FROM {{ schema }}.don_vi_tiem_nang_lich_su WHERE tuan IN (SELECT tuan FROM old) RETURNING 1
), c AS (
    DELETE FROM {{ schema }}.den_han_dong_lich_su WHERE tuan IN (SELECT tuan FROM old) RETURNING 1
), t AS (
    DELETE FROM {{ schema }}.tong_hop_lich_su WHERE tuan IN (SELECT tuan FROM old) RETURNING tuan
)
SELECT count(DISTINCT tuan) FROM t;
