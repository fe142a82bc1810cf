-- Coverage spells of the current coverage file, attached to the cluster of every register person in force
-- (a cluster holding register duplicates sees all their spells), and who is covered on D.
-- Every rule reads BHYT spells other than GD cards only for whether they cover D or a later day (covered on
-- D, due-date overlap) or ended in D's calendar year (HET_HAN_BHYT), so those that ended before D's year are
-- left out: about half of the file.
DROP TABLE IF EXISTS pg_temp.l_cov;
CREATE TEMP TABLE l_cov ON COMMIT DROP AS
SELECT g.person_id, c.id_nguoi, c.loai, c.ma_doi_tuong, c.ma_don_vi,
       coalesce(c.tu_ngay, '-infinity'::date) AS tu_ngay, c.den_ngay,
       coalesce(c.den_ngay, 'infinity'::date) AS den_ngay_mo,
       c.phuong_thuc, c.muc_thu_nhap, c.thu_tu_trong_ho, c.file_id, c.dong
FROM stg.current_files(%(d)s) f
JOIN stg.coverage c ON c.file_id = f.file_id
JOIN l_reg g ON g.id_nguoi = c.id_nguoi
WHERE f.source = 'register' AND f.kind = 'coverage'
  AND (c.loai <> 'BHYT' OR c.ma_doi_tuong = 'GD'
       OR coalesce(c.den_ngay, 'infinity'::date) >= date_trunc('year', %(d)s::date)::date);
CREATE INDEX ON l_cov (person_id, loai);
ANALYZE l_cov;

DROP TABLE IF EXISTS pg_temp.l_covered;
CREATE TEMP TABLE l_covered ON COMMIT DROP AS
SELECT person_id,
       bool_or(loai = 'BHYT') AS co_bhyt,
       bool_or(loai = 'BHXH_BB') AS co_bhxh_bb,
       bool_or(loai = 'BHXH_TN') AS co_bhxh_tn
FROM l_cov
WHERE tu_ngay <= %(d)s AND %(d)s <= den_ngay_mo
GROUP BY person_id;
CREATE UNIQUE INDEX ON l_covered (person_id);
ANALYZE l_covered;

-- Leads: one row per (person, group, source record) that qualifies, with the commune that record gives.
DROP TABLE IF EXISTS pg_temp.l_lead;
CREATE TEMP TABLE l_lead (
    person_id     bigint NOT NULL,
    nhom          text NOT NULL,
    rec_id        bigint NOT NULL,
    ma_xa         text,
    delivery_date date,
    file_id       bigint,
    dong          bigint
) ON COMMIT DROP;
