-- CONTRACT §3 (revision 2): a result row (stg.ket_qua) whose agent is in no dai_ly_thu.csv loaded from a
-- collection delivery dated on or before the result file's own delivery moves to quarantine (reason
-- dai_ly_khong_ton_tai). Every agent list ever loaded counts, not only the one in force: an agent whose contract
-- ended still made the visits it reports. Runs in the result file's own transaction; the loader does a delivery's
-- agent list before its results (sources/loader.py, _phases), so a list and results delivered together are
-- checked against each other. Returns (rows moved, of them with warnings); the loader counts them.
WITH agents AS MATERIALIZED (
    SELECT DISTINCT a.ma_dai_ly
    FROM stg.dai_ly_thu a
    JOIN ops.file_log f ON f.file_id = a.file_id
    WHERE f.source = 'collection' AND f.kind = 'dai_ly_thu' AND f.status = 'loaded'
      AND f.delivery_date <= %(delivery_date)s
), moved AS (
    DELETE FROM stg.ket_qua s
    WHERE s.file_id = %(file_id)s AND NOT EXISTS (SELECT 1 FROM agents a WHERE a.ma_dai_ly = s.ma_dai_ly)
    RETURNING s.*
), logged AS (
    INSERT INTO ops.quarantine (file_id, source, path, row_number, reasons, raw)
    SELECT m.file_id, %(source)s, %(path)s, m.dong, ARRAY['dai_ly_khong_ton_tai'],
           to_jsonb(m) - 'file_id' - 'dong' - 'hang_bam' - 'canh_bao'
    FROM moved m
)
SELECT count(*) AS moved, count(*) FILTER (WHERE cardinality(canh_bao) > 0) AS moved_warned
FROM moved;
