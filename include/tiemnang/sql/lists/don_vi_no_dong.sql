-- Employers in arrears (CONTRACT §4.6), from the latest contributions.csv dated <= D: a month ky is overdue
-- on D when the last day of the month after ky is before D (the SI law's deadline), unpaid when
-- da_dong < phai_dong. A unit with 3 or more overdue unpaid months is listed: so_thang_no their number,
-- so_tien_no the sum of phai_dong - da_dong over them, ky_no_tu the earliest. Rows of one unit and month are
-- summed (the ledger has one row per unit and month; a second one adds to it). Province by the unit's
-- commune in the employers.csv in force.
DELETE FROM lists.don_vi_no_dong WHERE ngay_tham_chieu = %(d)s;

WITH current_file AS (
    SELECT file_id, kind FROM stg.current_files(%(d)s) WHERE source = 'register'
), ledger AS (
    SELECT c.ma_don_vi, c.ky, sum(c.phai_dong) AS phai_dong, sum(c.da_dong) AS da_dong
    FROM stg.contributions c
    JOIN current_file f ON f.file_id = c.file_id AND f.kind = 'contributions'
    GROUP BY c.ma_don_vi, c.ky
), owed AS (
    SELECT ma_don_vi, count(*) AS so_thang_no, sum(phai_dong - da_dong) AS so_tien_no, min(ky) AS ky_no_tu
    FROM ledger
    WHERE da_dong < phai_dong
      AND (to_date(ky || '-01', 'YYYY-MM-DD') + interval '2 months' - interval '1 day')::date < %(d)s
    GROUP BY ma_don_vi
    HAVING count(*) >= 3
), unit AS (
    SELECT DISTINCT ON (m.ma_don_vi) m.ma_don_vi, m.ma_so_thue, m.ten_don_vi, m.ma_xa
    FROM stg.employers m
    JOIN current_file f ON f.file_id = m.file_id AND f.kind = 'employers'
    ORDER BY m.ma_don_vi, m.dong DESC
)
INSERT INTO lists.don_vi_no_dong (ngay_tham_chieu, ma_don_vi, ma_so_thue, ten_don_vi, ma_xa, ma_tinh,
                                  so_thang_no, so_tien_no, ky_no_tu)
SELECT %(d)s, o.ma_don_vi, u.ma_so_thue, u.ten_don_vi, u.ma_xa, x.ma_tinh, o.so_thang_no, o.so_tien_no, o.ky_no_tu
FROM owed o
JOIN unit u USING (ma_don_vi)
JOIN ref.commune x ON x.ma_xa = u.ma_xa;
