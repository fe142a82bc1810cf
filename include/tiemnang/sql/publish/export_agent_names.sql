-- The agents of the province's week with their names (from the week's progress per agent), for the titles of
-- the agents' workbooks. Identifier: schema.
SELECT ma_dai_ly, max(ten_dai_ly)
FROM {{ schema }}.tien_do_dai_ly_lich_su
WHERE tuan = %(tuan)s
GROUP BY ma_dai_ly;
