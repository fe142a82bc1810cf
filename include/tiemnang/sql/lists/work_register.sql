-- Every record of today's matching with its cluster (person_id), built once: the lead steps, the sources
-- of tiem_nang and the follow-up keys of theo_doi all read it instead of joining mt.record and
-- mt.record_person again.
DROP TABLE IF EXISTS pg_temp.l_rec;
CREATE TEMP TABLE l_rec ON COMMIT DROP AS
SELECT rp.person_id, r.rec_id, r.nguon, r.file_id, r.dong, r.id_nguoi
FROM mt.record r
JOIN mt.record_person rp USING (rec_id);
ANALYZE l_rec;

-- Register persons in force on D with their cluster (person_id), residence and household code,
-- and each person's register residence (the cluster's own id_nguoi first, else the lowest id).
DROP TABLE IF EXISTS pg_temp.l_reg;
CREATE TEMP TABLE l_reg ON COMMIT DROP AS
SELECT r.person_id, r.rec_id, r.id_nguoi, r.file_id, r.dong,
       c.ma_xa, nullif(btrim(p.ma_ho), '') AS ma_ho
FROM l_rec r
JOIN stg.persons p ON p.file_id = r.file_id AND p.dong = r.dong
LEFT JOIN ref.commune c ON c.ma_xa = p.ma_xa
WHERE r.nguon = 'register';
CREATE INDEX ON l_reg (person_id);
CREATE INDEX ON l_reg (id_nguoi);
ANALYZE l_reg;

DROP TABLE IF EXISTS pg_temp.l_residence;
CREATE TEMP TABLE l_residence ON COMMIT DROP AS
SELECT DISTINCT ON (g.person_id) g.person_id, g.rec_id, g.ma_xa
FROM l_reg g
JOIN mt.person p USING (person_id)
WHERE g.ma_xa IS NOT NULL
ORDER BY g.person_id, (g.id_nguoi = p.id_nguoi) DESC NULLS LAST, g.id_nguoi;
CREATE UNIQUE INDEX ON l_residence (person_id);
ANALYZE l_residence;
