-- Name folding that gives the same key on every warehouse, whatever its locale (issue #22).
-- 0003's mt.ten_chuan used lower() and the regex class [:alpha:], whose meaning follows the database's
-- LC_CTYPE: on a C-locale warehouse they lower-case only ASCII and treat every Vietnamese letter with a
-- diacritic as a non-letter ("Vũ Thị Hoài Thảo" became "v th ho i th o"). Now the name is decomposed (NFKD:
-- every Vietnamese letter becomes an ASCII letter plus combining marks, except đ/Đ), upper case is mapped
-- by an explicit table, and what is kept is spelt out: the 26 letters, đ, combining marks (U+0300–U+036F)
-- attached to a letter. Everything else (digits, punctuation, any kind of space, zero-width characters,
-- letters of other scripts) separates words. mt.khoa_dau and mt.khong_dau build on it unchanged; their own
-- patterns were already explicit. The Python twin is tiemnang.matching.normalize.
CREATE OR REPLACE FUNCTION mt.ten_chuan(p text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT nullif(btrim(normalize(regexp_replace(regexp_replace(
               translate(normalize(p, NFKD), 'ABCDEFGHIJKLMNOPQRSTUVWXYZĐ', 'abcdefghijklmnopqrstuvwxyzđ'),
               '([^abcdefghijklmnopqrstuvwxyzđ\u0300-\u036f]|^)[\u0300-\u036f]+', '\1', 'g'),
               '[^abcdefghijklmnopqrstuvwxyzđ\u0300-\u036f]+', ' ', 'g'), NFC), ' '), '')
$$;

COMMENT ON FUNCTION mt.ten_chuan(text) IS
    'Tên chuẩn hoá để so khớp: chữ thường, NFC, chỉ giữ chữ cái tiếng Việt, mỗi từ cách một dấu cách; '
    'kết quả như nhau với mọi locale của cơ sở dữ liệu';
