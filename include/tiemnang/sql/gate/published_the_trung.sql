-- One province's published the_trung rows by week and loai (THE_TRUNG / HO_SO_TRUNG), for the latest %(weeks)s
-- published weeks (its history table holds exactly the weeks it published). Identifiers: schema.
SELECT tuan, loai, count(*)::bigint
FROM {{ schema }}.the_trung_lich_su
WHERE tuan IN (SELECT DISTINCT tuan FROM ops.publication ORDER BY tuan DESC LIMIT %(weeks)s)
GROUP BY tuan, loai;
