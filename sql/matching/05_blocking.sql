-- Step 5: blocking keys (mt.w_bk) and candidate pairs (mt.w_pair). Each key is one text column so the
-- self-join is a single-column hash join; keys shared by more than %(max_block)s entities are skipped
-- (too common to tell people apart; the other keys still see their members).
--   a  name without diacritics + birth year   (day/month swaps, typos in the day, year-only dates)
--   b  given name + full birth date            (surname variants, middle name missing or mistyped)
--   c  full birth date + commune               (typos anywhere in the name)
--   d  name without diacritics + commune       (wrong or missing birth date)
--   e  surname and middle name + full birth date (typo in the given name)
--   f/g name + first/last 6 digits of the raw personal ID (no birth date; one-digit ID typos)
DROP TABLE IF EXISTS mt.w_bk;
CREATE UNLOGGED TABLE mt.w_bk AS
SELECT s.ent_id, s.la_nguon, s.comp, s.k
FROM (
    SELECT e.ent_id, NOT e.la_dang_ky AS la_nguon, e.comp,
           unnest(ARRAY[
               'a' || e.ten_kd || '|' || e.nam,
               'b' || e.ten || '|' || e.ngay_ngay,
               'c' || e.ngay_ngay || '|' || e.ma_xa,
               'd' || e.ten_kd || '|' || e.ma_xa,
               'e' || e.ho_dem || '|' || e.ngay_ngay,
               'f' || e.ten_kd || '|' || left(e.ddcn_goc, 6),
               'g' || e.ten_kd || '|' || right(e.ddcn_goc, 6)
           ]) AS k
    FROM (SELECT *, CASE WHEN length(ngay_sinh) = 10 THEN ngay_sinh END AS ngay_ngay FROM mt.w_ent) e
) s
WHERE s.k IS NOT NULL;

DELETE FROM mt.w_bk b USING (
    SELECT k FROM mt.w_bk GROUP BY k HAVING count(*) > %(max_block)s OR bool_and(NOT la_nguon)
) big
WHERE b.k = big.k;
ANALYZE mt.w_bk;

-- a: a source entity; b: a register entity or a later source entity, not already in a's component.
DROP TABLE IF EXISTS mt.w_pair;
CREATE UNLOGGED TABLE mt.w_pair AS
SELECT DISTINCT x.ent_id AS a, y.ent_id AS b
FROM mt.w_bk x
JOIN mt.w_bk y ON y.k = x.k
WHERE x.la_nguon AND (NOT y.la_nguon OR y.ent_id > x.ent_id) AND x.comp <> y.comp;
ANALYZE mt.w_pair;
