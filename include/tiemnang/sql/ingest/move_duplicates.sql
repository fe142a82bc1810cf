-- CONTRACT §3 exact duplicates: a row whose every cell equals an earlier row of the same file moves from
-- staging to quarantine (reason trung_lap), pointing at the row it repeats. Returns how many moved.
-- No join between the file's rows and the duplicates: the file is not in the table's statistics yet, so the
-- planner would guess one row and could re-run the window per row (quadratic). The delete takes an array
-- and the pointer comes from a map built once.
WITH dups AS MATERIALIZED (
    SELECT dong, first_dong
    FROM (
        SELECT dong, min(dong) OVER (PARTITION BY hang_bam) AS first_dong
        FROM stg.{{ table }}
        WHERE file_id = %(file_id)s
    ) ranked
    WHERE dong > first_dong
), moved AS (
    DELETE FROM stg.{{ table }} s
    WHERE s.file_id = %(file_id)s AND s.dong = ANY (ARRAY(SELECT dong FROM dups))
    RETURNING s.*
), logged AS (
    INSERT INTO ops.quarantine (file_id, source, path, row_number, reasons, raw)
    SELECT m.file_id, %(source)s, %(path)s, m.dong, ARRAY['trung_lap'],
           (to_jsonb(m) - 'file_id' - 'dong' - 'hang_bam' - 'canh_bao')
           || jsonb_build_object('trung_voi_dong', (SELECT jsonb_object_agg(dong, first_dong) FROM dups) -> m.dong::text)
    FROM moved m
)
SELECT count(*) AS moved, count(*) FILTER (WHERE cardinality(canh_bao) > 0) AS moved_warned
FROM moved;
