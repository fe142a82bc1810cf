-- Quality of the last matching run against matching_truth(path, dong, uid) (a temp table).
DROP TABLE IF EXISTS pg_temp.matching_cell;
CREATE TEMP TABLE matching_cell AS
SELECT rp.person_id, t.uid, count(*)::numeric AS n
FROM mt.record r
JOIN ops.file_log f USING (file_id)
JOIN matching_truth t ON t.path = f.path AND t.dong = r.dong
JOIN mt.record_person rp USING (rec_id)
GROUP BY rp.person_id, t.uid;
ANALYZE matching_cell;
