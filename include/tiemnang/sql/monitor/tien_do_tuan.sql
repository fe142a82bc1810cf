-- One province's targets and achievements summed over communes and groups, for each published week of the year
-- of week %(tuan)s up to it (the progress chart). The year is the rows' own `nam` (D's year, CONTRACT §4.8).
-- Identifier: schema.
SELECT p.tuan, sum(p.chi_tieu)::bigint AS chi_tieu, sum(p.da_dat)::bigint AS da_dat
FROM {{ schema }}.tien_do_lich_su p
WHERE p.nam = (SELECT max(nam) FROM {{ schema }}.tien_do_lich_su WHERE tuan = %(tuan)s)
  AND p.tuan <= %(tuan)s
GROUP BY p.tuan
ORDER BY p.tuan;
