-- Step 5: blocking keys (mt.w_bk) and candidate pairs (mt.w_pair). Each key is one text column so the
-- self-join is a single-column hash join; keys shared by more than %(max_block)s entities are skipped
-- (too common to tell people apart; the other keys still see their members).
--   a  name without diacritics + birth year + province (day/month swaps, typos in the day, year-only dates)
--   b  given name + full birth date + province     (surname variants, middle name missing or mistyped)
--   c  full birth date + commune                   (typos anywhere in the name)
--   d  name without diacritics + commune           (wrong or missing birth date)
--   e  surname and middle name + full birth date + province (typo in the given name)
--   f/g name + first/last 6 digits of the raw personal ID (no birth date; one-digit ID typos)
--   h  name without diacritics + full birth date    (moved to another province, or no address at all)
--   i  surname group + given name + full birth date (moved, and the middle name dropped or changed)
--
-- Every key is bound to a place or is selective on its own, so blocks do not grow with the country: a
-- name and a birth year, or a given name and a birth date, are shared by thousands of people nationally
-- (and by ever more as the register grows: the blocking step turned quadratic between 1M and 3M persons),
-- but by few within one province. People found in another province, or with no address, are still
-- reached through h (and f/g when they carry an ID).
--
-- An entity is anchored (neo) when its ID component holds a register person. A cluster holding a register
-- person never moves (09_proposals), so a link between two anchored entities can never place anything:
-- only keys held by at least one entity that is not anchored are kept, and pairs of two anchored entities
-- are not formed. Most source records are anchored by their ID, so this leaves a small fraction of the keys.
DROP TABLE IF EXISTS mt.w_neo;
CREATE UNLOGGED TABLE mt.w_neo AS
SELECT DISTINCT comp FROM mt.w_ent WHERE la_dang_ky;
ALTER TABLE mt.w_neo ADD PRIMARY KEY (comp);
ANALYZE mt.w_neo;

-- Every entity's keys, as a view read twice below: once for the keys of entities that are not anchored
-- (the probe), once for everybody's keys that are among them.
CREATE OR REPLACE VIEW mt.w_khoa_chan AS
SELECT e.ent_id, NOT e.la_dang_ky AS la_nguon, e.comp, n.comp IS NOT NULL AS neo,
       unnest(ARRAY[
           'a' || e.ten_kd || '|' || e.nam || '|' || e.ma_tinh,
           'b' || e.ten || '|' || e.ngay_ngay || '|' || e.ma_tinh,
           'c' || e.ngay_ngay || '|' || e.ma_xa,
           'd' || e.ten_kd || '|' || e.ma_xa,
           'e' || e.ho_dem || '|' || e.ngay_ngay || '|' || e.ma_tinh,
           'f' || e.ten_kd || '|' || left(e.ddcn_goc, 6),
           'g' || e.ten_kd || '|' || right(e.ddcn_goc, 6),
           'h' || e.ten_kd || '|' || e.ngay_ngay,
           'i' || e.ho_nhom || '|' || e.ten || '|' || e.ngay_ngay
       ]) AS k
FROM (SELECT *, CASE WHEN length(ngay_sinh) = 10 THEN ngay_sinh END AS ngay_ngay FROM mt.w_ent) e
LEFT JOIN mt.w_neo n ON n.comp = e.comp;

DROP TABLE IF EXISTS mt.w_bk;
CREATE UNLOGGED TABLE mt.w_bk AS
SELECT ent_id, la_nguon, comp, neo, k
FROM mt.w_khoa_chan
WHERE k IN (SELECT k FROM mt.w_khoa_chan WHERE NOT neo AND k IS NOT NULL);
DROP VIEW mt.w_khoa_chan;

DELETE FROM mt.w_bk b USING (
    SELECT k FROM mt.w_bk GROUP BY k HAVING count(*) > %(max_block)s
) big
WHERE b.k = big.k;
ANALYZE mt.w_bk;

-- a: a source entity; b: a register entity or a later source entity, not already in a's component.
DROP TABLE IF EXISTS mt.w_pair;
CREATE UNLOGGED TABLE mt.w_pair AS
SELECT DISTINCT x.ent_id AS a, y.ent_id AS b
FROM mt.w_bk x
JOIN mt.w_bk y ON y.k = x.k
WHERE x.la_nguon AND (NOT y.la_nguon OR y.ent_id > x.ent_id) AND x.comp <> y.comp
  AND NOT (x.neo AND y.neo);
ANALYZE mt.w_pair;
