-- Assignment (CONTRACT §4.7): every row of lists.tiem_nang and lists.den_han_dong for D gets one agent, ma_dai_ly.
--   Candidates: the agents active on D (tu_ngay <= D <= den_ngay, empty = open) of the dai_ly_thu.csv in force
--   serving the row's commune; narrowed to those naming the row's hamlet (mt.thon_khoa: ignoring case,
--   diacritics and spacing) when any does. No candidate: ma_dai_ly stays empty.
--   Kept: a person assigned in the previous published week of the province (the greatest published tuan before
--   D's) to an agent who is still a candidate of the row keeps that agent. The person across weeks: a
--   tiem_nang row of that week found again today through lists.theo_doi (a shared khoa_nguoi, ID, register id
--   or source record, as tong_hop compares weeks), a den_han_dong row through its id_nguoi. When that person had
--   several agents: the one of a row of the same list first, then the smallest ma_dai_ly.
--   Balance: every other row goes to the candidate with the fewest rows of that commune assigned so far this
--   week — the kept rows count from the start — ties the smallest ma_dai_ly; rows taken in order of so_ddcn,
--   ho_ten, ngay_sinh (empty values last), then tiem_nang before den_han_dong, then the row key (khoa_nguoi;
--   id_nguoi, loai). Text compared by code point (COLLATE "C"), so the order is the same under every locale.
-- Also co_ket_qua_dai_ly: the assigned agent has a result for the row's person dated in the 30 days before D
-- (D - ngay <= 30), for tien_do_dai_ly.so_co_ket_qua.

-- The agents active on D and where they serve (thon_khoa NULL = the whole commune).
DROP TABLE IF EXISTS pg_temp.l_dai_ly;
CREATE TEMP TABLE l_dai_ly ON COMMIT DROP AS
SELECT DISTINCT a.ma_xa, a.ma_dai_ly, mt.thon_khoa(a.thon) AS thon_khoa
FROM stg.dai_ly_thu a
JOIN stg.current_files(%(d)s) f ON f.file_id = a.file_id AND f.source = 'collection' AND f.kind = 'dai_ly_thu'
WHERE a.tu_ngay <= %(d)s AND %(d)s <= coalesce(a.den_ngay, 'infinity'::date);

-- Per commune its agents in ma_dai_ly order: a candidate is a position (1-based) in this array.
DROP TABLE IF EXISTS pg_temp.l_pc_dai_ly_xa;
CREATE TEMP TABLE l_pc_dai_ly_xa ON COMMIT DROP AS
SELECT ma_xa, array_agg(ma_dai_ly ORDER BY ma_dai_ly COLLATE "C") AS dai_ly,
       array_agg(thu_tu ORDER BY thu_tu) AS tat_ca
FROM (SELECT ma_xa, ma_dai_ly, row_number() OVER (PARTITION BY ma_xa ORDER BY ma_dai_ly COLLATE "C") AS thu_tu
      FROM (SELECT DISTINCT ma_xa, ma_dai_ly FROM l_dai_ly) a) n
GROUP BY ma_xa;
CREATE UNIQUE INDEX ON l_pc_dai_ly_xa (ma_xa);
ANALYZE l_pc_dai_ly_xa;

-- Per commune and named hamlet, the positions of the agents naming it, ascending.
DROP TABLE IF EXISTS pg_temp.l_pc_thon;
CREATE TEMP TABLE l_pc_thon ON COMMIT DROP AS
SELECT ma_xa, thon_khoa, array_agg(vi_tri ORDER BY vi_tri) AS ung_vien
FROM (SELECT DISTINCT a.ma_xa, a.thon_khoa, array_position(x.dai_ly, a.ma_dai_ly)::int AS vi_tri
      FROM l_dai_ly a JOIN l_pc_dai_ly_xa x USING (ma_xa)
      WHERE a.thon_khoa IS NOT NULL) h
GROUP BY ma_xa, thon_khoa;

-- The rows that have a candidate, numbered in the order of the balance (grouped by commune), with their
-- candidates.
DROP TABLE IF EXISTS pg_temp.l_pc_row;
CREATE TEMP TABLE l_pc_row ON COMMIT DROP AS
WITH list_rows AS (
    SELECT 1 AS ds, t.person_id, t.khoa_nguoi, NULL::bigint AS id_nguoi, NULL::text AS loai, t.ma_xa, t.thon,
           nullif(t.so_ddcn, '') AS so_ddcn, nullif(t.ho_ten, '') AS ho_ten, nullif(t.ngay_sinh, '') AS ngay_sinh
    FROM lists.tiem_nang t
    WHERE t.ngay_tham_chieu = %(d)s AND t.ma_xa IN (SELECT ma_xa FROM l_pc_dai_ly_xa)
    UNION ALL
    SELECT 2, g.person_id, NULL, h.id_nguoi, h.loai, h.ma_xa, h.thon,
           nullif(h.so_ddcn, ''), nullif(h.ho_ten, ''), nullif(h.ngay_sinh, '')
    FROM lists.den_han_dong h
    LEFT JOIN l_reg g ON g.id_nguoi = h.id_nguoi
    WHERE h.ngay_tham_chieu = %(d)s AND h.ma_xa IN (SELECT ma_xa FROM l_pc_dai_ly_xa)
), hamlet AS (
    SELECT thon, mt.thon_khoa(thon) AS thon_khoa FROM (SELECT DISTINCT thon FROM list_rows WHERE thon IS NOT NULL) t
)
SELECT row_number() OVER (ORDER BY r.ma_xa, r.so_ddcn COLLATE "C" NULLS LAST, r.ho_ten COLLATE "C" NULLS LAST,
                                   r.ngay_sinh COLLATE "C" NULLS LAST, r.ds, r.khoa_nguoi COLLATE "C", r.id_nguoi,
                                   r.loai COLLATE "C") AS thu_tu,
       r.ds, r.person_id, r.id_nguoi, r.loai, r.ma_xa, coalesce(th.ung_vien, x.tat_ca) AS ung_vien
FROM list_rows r
JOIN l_pc_dai_ly_xa x ON x.ma_xa = r.ma_xa
LEFT JOIN hamlet hm ON hm.thon = r.thon
LEFT JOIN l_pc_thon th ON th.ma_xa = r.ma_xa AND th.thon_khoa = hm.thon_khoa;
CREATE INDEX ON l_pc_row (person_id);
ANALYZE l_pc_row;

-- The agents of the previous published week, by today's person.
DROP TABLE IF EXISTS pg_temp.l_pc_truoc;
CREATE TEMP TABLE l_pc_truoc ON COMMIT DROP AS
WITH previous AS (
    SELECT DISTINCT ON (ma_tinh) ma_tinh, ngay_tham_chieu
    FROM ops.publication
    WHERE tuan < to_char(%(d)s::date, 'IYYY-"W"IW')
    ORDER BY ma_tinh, tuan DESC
)
SELECT unnest(f.person_ids) AS person_id, 1 AS ds, t.ma_dai_ly
FROM lists.tiem_nang t
JOIN previous p ON p.ma_tinh = t.ma_tinh AND p.ngay_tham_chieu = t.ngay_tham_chieu
JOIN lists.theo_doi f ON f.ngay_tham_chieu = %(d)s AND f.ngay_truoc = t.ngay_tham_chieu AND f.khoa_nguoi = t.khoa_nguoi
WHERE t.ma_dai_ly IS NOT NULL
UNION ALL
SELECT g.person_id, 2, h.ma_dai_ly
FROM lists.den_han_dong h
JOIN previous p ON p.ma_tinh = h.ma_tinh AND p.ngay_tham_chieu = h.ngay_tham_chieu
JOIN l_reg g ON g.id_nguoi = h.id_nguoi
WHERE h.ma_dai_ly IS NOT NULL;
ANALYZE l_pc_truoc;

-- The rows that keep last week's agent, as a position.
DROP TABLE IF EXISTS pg_temp.l_pc_giu;
CREATE TEMP TABLE l_pc_giu ON COMMIT DROP AS
SELECT DISTINCT ON (r.thu_tu) r.thu_tu, r.ma_xa, array_position(x.dai_ly, p.ma_dai_ly)::int AS vi_tri
FROM l_pc_row r
JOIN l_pc_truoc p ON p.person_id = r.person_id
JOIN l_pc_dai_ly_xa x ON x.ma_xa = r.ma_xa
WHERE array_position(x.dai_ly, p.ma_dai_ly) = ANY (r.ung_vien)
ORDER BY r.thu_tu, p.ds <> r.ds, p.ma_dai_ly COLLATE "C";
CREATE UNIQUE INDEX ON l_pc_giu (thu_tu);
ANALYZE l_pc_giu;

-- The balance's input (see lists.can_bang_dai_ly): each commune's counts so far (its kept rows) and the rows
-- left to balance.
DROP TABLE IF EXISTS pg_temp.l_pc_xa;
CREATE TEMP TABLE l_pc_xa ON COMMIT DROP AS
WITH kept AS (
    SELECT ma_xa, vi_tri, count(*)::int AS n FROM l_pc_giu GROUP BY ma_xa, vi_tri
)
SELECT x.ma_xa, array_agg(coalesce(k.n, 0) ORDER BY i.vi_tri) AS so_dong
FROM l_pc_dai_ly_xa x
CROSS JOIN LATERAL generate_series(1, cardinality(x.dai_ly)) AS i (vi_tri)
LEFT JOIN kept k ON k.ma_xa = x.ma_xa AND k.vi_tri = i.vi_tri
GROUP BY x.ma_xa;
ANALYZE l_pc_xa;

DROP TABLE IF EXISTS pg_temp.l_pc_cho;
CREATE TEMP TABLE l_pc_cho ON COMMIT DROP AS
SELECT r.thu_tu, r.ma_xa, r.ung_vien
FROM l_pc_row r
WHERE NOT EXISTS (SELECT FROM l_pc_giu g WHERE g.thu_tu = r.thu_tu);
ANALYZE l_pc_cho;

DROP TABLE IF EXISTS pg_temp.l_pc_can_bang;
CREATE TEMP TABLE l_pc_can_bang ON COMMIT DROP AS
SELECT dong_thu_tu AS thu_tu, vi_tri FROM lists.can_bang_dai_ly();
CREATE UNIQUE INDEX ON l_pc_can_bang (thu_tu);
ANALYZE l_pc_can_bang;

DROP TABLE IF EXISTS pg_temp.l_pc_ket;
CREATE TEMP TABLE l_pc_ket ON COMMIT DROP AS
SELECT r.ds, r.person_id, r.id_nguoi, r.loai, a.ma_dai_ly,
       EXISTS (SELECT FROM l_ket_qua_all k
               WHERE k.person_id = r.person_id AND k.ma_dai_ly = a.ma_dai_ly AND %(d)s::date - k.ngay <= 30)
           AS co_ket_qua
FROM l_pc_row r
JOIN l_pc_dai_ly_xa x ON x.ma_xa = r.ma_xa
LEFT JOIN l_pc_giu g ON g.thu_tu = r.thu_tu
LEFT JOIN l_pc_can_bang b ON b.thu_tu = r.thu_tu
CROSS JOIN LATERAL (SELECT x.dai_ly[coalesce(g.vi_tri, b.vi_tri)] AS ma_dai_ly) a;
ANALYZE l_pc_ket;

UPDATE lists.tiem_nang t
SET ma_dai_ly = k.ma_dai_ly, co_ket_qua_dai_ly = k.co_ket_qua
FROM l_pc_ket k
WHERE k.ds = 1 AND t.ngay_tham_chieu = %(d)s AND t.person_id = k.person_id;

UPDATE lists.den_han_dong h
SET ma_dai_ly = k.ma_dai_ly, co_ket_qua_dai_ly = k.co_ket_qua
FROM l_pc_ket k
WHERE k.ds = 2 AND h.ngay_tham_chieu = %(d)s AND h.id_nguoi = k.id_nguoi AND h.loai = k.loai;
