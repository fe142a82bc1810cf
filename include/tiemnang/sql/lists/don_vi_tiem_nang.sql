-- Enterprises for D (CONTRACT §4.2): active (trang_thai 00, so_lao_dong >= 1) and either not registered
-- (no employers row with the exact ma_so_thue; a branch is its own unit) or paying for fewer persons than
-- they declare (distinct persons with BHXH_BB on D at units with the ma_so_thue < so_lao_dong).
DELETE FROM lists.don_vi_tiem_nang WHERE ngay_tham_chieu = %(d)s;

WITH current_file AS (
    SELECT file_id, kind FROM stg.current_files(%(d)s) WHERE source IN ('tax', 'register')
), enterprise AS (
    SELECT DISTINCT ON (e.ma_so_thue) e.*
    FROM stg.enterprises e
    JOIN current_file f ON f.file_id = e.file_id AND f.kind = 'enterprises'
    ORDER BY e.ma_so_thue, e.dong DESC
), unit AS (
    SELECT DISTINCT m.ma_don_vi, m.ma_so_thue
    FROM stg.employers m
    JOIN current_file f ON f.file_id = m.file_id AND f.kind = 'employers'
), registered AS (
    -- joined rather than probed with EXISTS per enterprise (a CTE is scanned linearly for each probe)
    SELECT DISTINCT ma_so_thue FROM unit
), insured AS (
    SELECT u.ma_so_thue, count(DISTINCT coalesce(g.person_id, -c.id_nguoi)) AS so_nguoi
    FROM unit u
    JOIN stg.coverage c ON c.ma_don_vi = u.ma_don_vi
    JOIN current_file f ON f.file_id = c.file_id AND f.kind = 'coverage'
    LEFT JOIN l_reg g ON g.id_nguoi = c.id_nguoi
    WHERE c.loai = 'BHXH_BB'
      AND coalesce(c.tu_ngay, '-infinity'::date) <= %(d)s AND %(d)s <= coalesce(c.den_ngay, 'infinity'::date)
    GROUP BY u.ma_so_thue
)
INSERT INTO lists.don_vi_tiem_nang (ngay_tham_chieu, ma_so_thue, ten_doanh_nghiep, loai_hinh, ma_xa, ma_tinh,
                                    loai, so_lao_dong_thue, so_lao_dong_bhxh)
SELECT %(d)s, e.ma_so_thue, normalize(e.ten_doanh_nghiep, NFC), e.loai_hinh, x.ma_xa, x.ma_tinh,
       CASE WHEN reg.ma_so_thue IS NULL THEN 'CHUA_DANG_KY' ELSE 'DONG_THIEU' END,
       e.so_lao_dong, coalesce(i.so_nguoi, 0)
FROM enterprise e
JOIN ref.commune x ON x.ma_xa = e.ma_xa
LEFT JOIN registered reg ON reg.ma_so_thue = e.ma_so_thue
LEFT JOIN insured i ON i.ma_so_thue = e.ma_so_thue
WHERE e.trang_thai = '00' AND e.so_lao_dong >= 1
  AND (reg.ma_so_thue IS NULL OR coalesce(i.so_nguoi, 0) < e.so_lao_dong);
