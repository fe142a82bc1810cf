-- Quality of the last matching run against matching_truth(path, dong, uid) (a temp table).
-- matching_cell_src: records per (predicted person, true person, source); matching_cell sums the sources.
DROP TABLE IF EXISTS pg_temp.matching_cell_src;
CREATE TEMP TABLE matching_cell_src AS
SELECT rp.person_id, t.uid, r.nguon, count(*)::numeric AS n
FROM mt.record r
JOIN ops.file_log f USING (file_id)
JOIN matching_truth t ON t.path = f.path AND t.dong = r.dong
JOIN mt.record_person rp USING (rec_id)
GROUP BY rp.person_id, t.uid, r.nguon;
ANALYZE matching_cell_src;
DROP TABLE IF EXISTS pg_temp.matching_cell;
CREATE TEMP TABLE matching_cell AS
SELECT person_id, uid, sum(n) AS n FROM matching_cell_src GROUP BY person_id, uid;
ANALYZE matching_cell;
