-- Field results (CONTRACT §4.7): the result rows in force (every ket_qua file ever delivered up to D) are records
-- of today's matching (nguon 'collection'), so each carries the person it was matched to. The work tables:
--   l_ket_qua_all  every result dated on or before D, with its person, agent and delivery date
--   l_ket_qua      each person's latest result: the latest ngay <= D, ties the later delivery (then the later
--                  file and row, so the choice is always one); loai_tru when it takes the person off the lists:
--                  DA_MAT always, CHUYEN_DI / KHONG_TIM_THAY when dated within the 180 days before D, i.e.
--                  D - ngay <= 180 (ref.ket_qua.so_ngay_loai_tru; a result dated D is 0 days old).
DROP TABLE IF EXISTS pg_temp.l_ket_qua_all;
CREATE TEMP TABLE l_ket_qua_all ON COMMIT DROP AS
SELECT r.person_id, k.ma_dai_ly, k.ngay, k.ket_qua, fl.delivery_date, r.file_id, r.dong
FROM l_rec r
JOIN stg.ket_qua k ON k.file_id = r.file_id AND k.dong = r.dong
JOIN stg.current_files(%(d)s) fl ON fl.file_id = r.file_id AND fl.source = 'collection' AND fl.kind = 'ket_qua'
WHERE r.nguon = 'collection' AND k.ngay <= %(d)s;
CREATE INDEX ON l_ket_qua_all (person_id);
ANALYZE l_ket_qua_all;

DROP TABLE IF EXISTS pg_temp.l_ket_qua;
CREATE TEMP TABLE l_ket_qua ON COMMIT DROP AS
SELECT DISTINCT ON (a.person_id) a.person_id, a.ket_qua, a.ngay, a.ma_dai_ly,
       c.loai_tru AND (c.so_ngay_loai_tru IS NULL OR %(d)s::date - a.ngay <= c.so_ngay_loai_tru) AS loai_tru
FROM l_ket_qua_all a
JOIN ref.ket_qua c ON c.ma = a.ket_qua
ORDER BY a.person_id, a.ngay DESC, a.delivery_date DESC, a.file_id DESC, a.dong DESC;
CREATE UNIQUE INDEX ON l_ket_qua (person_id);
ANALYZE l_ket_qua;
