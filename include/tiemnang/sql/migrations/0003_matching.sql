-- Identity resolution (docs/matching.md): name normalisation functions, comparison helpers and the
-- evidence columns matching adds to the mt hand-off tables. Work tables (mt.w_*) are UNLOGGED and
-- rebuilt by each run; they are not part of the hand-off.

-- levenshtein(); a trusted extension since PostgreSQL 13, so the database owner may create it.
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch WITH SCHEMA mt;

-- Display form of a name: NFC, trimmed, single spaces, punctuation and digits dropped, lower case.
CREATE FUNCTION mt.ten_chuan(p text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT nullif(btrim(regexp_replace(
               regexp_replace(lower(normalize(p, NFC)), '[^[:alpha:]\u0300-\u036f ]+', ' ', 'g'),
               '\s+', ' ', 'g')), '')
$$;

-- Key with diacritics: the tone mark of each syllable moved to its end, so both placements
-- (Hòa/Hoà, Thúy/Thuý) give one key; đ → d.
CREATE FUNCTION mt.khoa_dau(p text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT translate(normalize(regexp_replace(normalize(mt.ten_chuan(p), NFD),
                                              '([\u0300\u0301\u0303\u0309\u0323])([^ ]*)', '\2\1', 'g'),
                               NFC), 'đ', 'd')
$$;

-- Key without any diacritics (names typed without accents match this one).
CREATE FUNCTION mt.khong_dau(p text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT translate(regexp_replace(normalize(mt.ten_chuan(p), NFD), '[\u0300-\u036f]', '', 'g'), 'đ', 'd')
$$;

-- Regional surname pairs written differently North/South: weaker evidence than equality, not equality.
CREATE FUNCTION mt.ho_nhom(p_ho text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE p_ho WHEN 'huynh' THEN 'hoang' WHEN 'vo' THEN 'vu' ELSE p_ho END
$$;

-- Two identifiers one keying slip apart: one substitution, insertion or deletion, or two adjacent digits swapped.
CREATE FUNCTION mt.id_gan(a text, b text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT a <> b AND (mt.levenshtein(a, b) = 1
        OR (length(a) = length(b) AND mt.levenshtein(a, b) = 2 AND EXISTS (
            SELECT 1 FROM generate_series(1, length(a) - 1) AS i
            WHERE overlay(a PLACING substr(a, i + 1, 1) || substr(a, i, 1) FROM i FOR 2) = b)))
$$;

-- Comparison level of two birth dates as known (YYYY-MM-DD, YYYY-MM or YYYY).
CREATE FUNCTION mt.muc_ngay_sinh(a text, b text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN a IS NULL OR b IS NULL THEN 'thieu'
        WHEN a = b AND length(a) = 10 THEN 'trung'
        WHEN a = b THEN 'mot_phan'
        WHEN length(a) = 10 AND length(b) = 10 AND left(a, 4) = left(b, 4)
             AND substr(a, 6, 2) = substr(b, 9, 2) AND substr(a, 9, 2) = substr(b, 6, 2) THEN 'dao_ngay_thang'
        WHEN length(a) = length(b) AND mt.levenshtein(a, b) = 1 THEN 'sai_mot_so'
        WHEN left(a, length(b)) = b OR left(b, length(a)) = a THEN 'mot_phan'
        WHEN left(a, 4) = left(b, 4) THEN 'cung_nam'
        ELSE 'khac'
    END
$$;

-- Evidence columns (the hand-off columns of 0001 keep their meaning).
ALTER TABLE mt.record ADD COLUMN ten_khong_dau text;            -- name key without diacritics
ALTER TABLE mt.person ADD COLUMN so_ban_ghi integer;             -- records merged into the person
ALTER TABLE mt.person ADD COLUMN nguon text[];                   -- the sources among them
