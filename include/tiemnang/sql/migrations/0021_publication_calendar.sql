-- Issue #17, publication cadence at year end: the directives move reporting from weekly to daily in the last
-- weeks of the year. The calendar is data: every Friday, and every working day (Monday to Friday) from
-- cong_bo_hang_ngay_tu to cong_bo_hang_ngay_den (month-day as MMDD, both inclusive, each year; a period may run
-- over the new year, e.g. 1215 to 0110; cong_bo_hang_ngay_tu = 0: no daily period). Dated like every parameter:
-- the values in force on a day decide that day. The publication DAG's timetable encodes the same defaults
-- (tiemnang.orchestration.cadence.Cadence); its first task checks each run's day against ref.lich_cong_bo.
INSERT INTO ref.tham_so (ten, hieu_luc_tu, gia_tri, ghi_chu) VALUES
    ('cong_bo_hang_ngay_tu',  '2015-01-01', 1214,
     'Công bố hằng ngày (các ngày làm việc, thứ Hai đến thứ Sáu) từ ngày này của mỗi năm, ghi tháng × 100 + ngày (1214 = 14/12); 0 = không công bố hằng ngày, chỉ công bố thứ Sáu hằng tuần'),
    ('cong_bo_hang_ngay_den', '2015-01-01', 1231,
     'Công bố hằng ngày đến hết ngày này của mỗi năm, ghi tháng × 100 + ngày (1231 = 31/12); nhỏ hơn ngày bắt đầu thì kéo dài sang đầu năm sau')
ON CONFLICT (ten, hieu_luc_tu) DO NOTHING;

-- The kind of publication on a day: 'hang_ngay' (a working day of the daily period), 'hang_tuan' (a Friday
-- outside it), NULL (no publication).
CREATE FUNCTION ref.lich_cong_bo(p_ngay date) RETURNS text
LANGUAGE sql STABLE AS $$
    WITH p AS (
        SELECT coalesce(ref.tham_so_tai('cong_bo_hang_ngay_tu', p_ngay), 0)::int AS tu,
               coalesce(ref.tham_so_tai('cong_bo_hang_ngay_den', p_ngay), 0)::int AS den,
               (extract(month FROM p_ngay) * 100 + extract(day FROM p_ngay))::int AS ngay,
               extract(isodow FROM p_ngay)::int AS thu
    )
    SELECT CASE
               WHEN thu <= 5 AND tu > 0
                    AND CASE WHEN tu <= den THEN ngay BETWEEN tu AND den ELSE ngay >= tu OR ngay <= den END
                   THEN 'hang_ngay'
               WHEN thu = 5 THEN 'hang_tuan'
           END
    FROM p
$$;
COMMENT ON FUNCTION ref.lich_cong_bo(date) IS
    'Lịch công bố danh sách: ''hang_ngay'' (ngày làm việc trong thời gian công bố hằng ngày cuối năm), ''hang_tuan'' (thứ Sáu ngoài thời gian đó), NULL (không công bố)';

COMMENT ON TABLE ops.alert IS
    'Cảnh báo của hệ thống: tác vụ lỗi, thử lại, công bố trễ hạn 16:00 của ngày công bố (thứ Sáu, hoặc mỗi ngày làm việc cuối năm)';
