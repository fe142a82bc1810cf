-- The hamlet key of an agent list just staged (stg.dai_ly_thu.thon_khoa): the hamlet as CONTRACT §4.7 compares it,
-- ignoring case, diacritics and spacing (stg.khoa_thon, migration 0019); NULL when the hamlet is empty. Runs in
-- the file's own transaction; moves no row (returns 0, 0 like the other after-load steps).
WITH filled AS (
    UPDATE stg.dai_ly_thu
    SET thon_khoa = stg.khoa_thon(thon)
    WHERE file_id = %(file_id)s AND thon IS NOT NULL
    RETURNING 1
)
SELECT 0::bigint AS moved, 0::bigint AS moved_warned
FROM (SELECT count(*) FROM filled) done;
