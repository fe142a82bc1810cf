-- CONTRACT §3 exact duplicates: a row whose every cell equals an earlier row of the same file moves from
-- staging to quarantine (reason trung_lap), pointing at the row it repeats. Returns how many moved.
WITH ranked AS (
    SELECT dong, min(dong) OVER (PARTITION BY hang_bam) AS first_dong
    FROM stg.{{ table }}
    WHERE file_id = %(file_id)s
), moved AS (
    DELETE FROM stg.{{ table }} s
    USING ranked r
    WHERE s.file_id = %(file_id)s AND s.dong = r.dong AND r.dong > r.first_dong
    RETURNING s.*, r.first_dong
), logged AS (
    INSERT INTO ops.quarantine (file_id, source, path, row_number, reasons, raw)
    SELECT m.file_id, %(source)s, %(path)s, m.dong, ARRAY['trung_lap'],
           (to_jsonb(m) - 'file_id' - 'dong' - 'hang_bam' - 'first_dong' - 'canh_bao')
           || jsonb_build_object('trung_voi_dong', m.first_dong)
    FROM moved m
)
SELECT count(*) AS moved, count(*) FILTER (WHERE cardinality(canh_bao) > 0) AS moved_warned
FROM moved;
