-- CONTRACT §3 (revision 2): a ledger row of contributions.csv whose unit is not in employers.csv of the same
-- register delivery moves from staging to quarantine (reason don_vi_khong_ton_tai), and the file's counts
-- follow. Units: that delivery's employers.csv when it was loaded; when it was not (unchanged, refused or
-- absent), the employers.csv in force on the delivery date. Returns how many rows moved.
WITH units AS MATERIALIZED (
    SELECT DISTINCT e.ma_don_vi
    FROM stg.employers e
    WHERE e.file_id = coalesce(
        (SELECT f.file_id FROM ops.file_log f
         WHERE f.source = 'register' AND f.kind = 'employers' AND f.status = 'loaded'
           AND f.delivery_date = %(delivery_date)s
         ORDER BY f.file_id DESC LIMIT 1),
        (SELECT c.file_id FROM stg.current_files(%(delivery_date)s) c
         WHERE c.source = 'register' AND c.kind = 'employers'))
), moved AS (
    DELETE FROM stg.contributions s
    WHERE s.file_id = %(file_id)s AND s.ma_don_vi NOT IN (SELECT ma_don_vi FROM units)
    RETURNING s.*
), logged AS (
    INSERT INTO ops.quarantine (file_id, source, path, row_number, reasons, raw)
    SELECT m.file_id, 'register', %(path)s, m.dong, ARRAY['don_vi_khong_ton_tai'],
           to_jsonb(m) - 'file_id' - 'dong' - 'hang_bam' - 'canh_bao'
    FROM moved m
), counted AS (
    UPDATE ops.file_log
    SET rows_accepted = rows_accepted - (SELECT count(*) FROM moved),
        rows_quarantined = rows_quarantined + (SELECT count(*) FROM moved),
        rows_warned = rows_warned - (SELECT count(*) FROM moved WHERE cardinality(canh_bao) > 0)
    WHERE file_id = %(file_id)s
)
SELECT count(*) FROM moved;
