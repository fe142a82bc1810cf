-- The published weeks of the province older than the retention: so_tuan_luu_lich_su weeks (the parameter in
-- force on the latest published D) before the latest published D. publish/catalogue.remove_weeks deletes
-- them from every history table.
WITH cutoff AS (
    SELECT max(ngay_tham_chieu)
           - 7 * ref.tham_so_tai('so_tuan_luu_lich_su', max(ngay_tham_chieu))::int AS ngay
    FROM ops.publication WHERE ma_tinh = %(ma_tinh)s
)
SELECT coalesce(array_agg(tuan ORDER BY tuan), '{}')
FROM ops.publication, cutoff
WHERE ma_tinh = %(ma_tinh)s AND ngay_tham_chieu <= cutoff.ngay;
