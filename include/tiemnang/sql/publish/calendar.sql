-- The publication days from %(first)s to %(last)s by the calendar in ref.tham_so, with their kind
-- ('hang_tuan' / 'hang_ngay'; migration 0021).
SELECT d::date AS ngay, ref.lich_cong_bo(d::date) AS loai
FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') AS d
WHERE ref.lich_cong_bo(d::date) IS NOT NULL
ORDER BY 1;
