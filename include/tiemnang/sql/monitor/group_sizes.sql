-- List sizes by group of one province for a week and its previous published week (from tong_hop history).
-- Identifiers: schema.
SELECT tuan, nhom, sum(so_nguoi)::bigint AS so_nguoi, sum(so_moi)::bigint AS so_moi,
       sum(so_da_tham_gia)::bigint AS so_da_tham_gia
FROM {{ schema }}.tong_hop_lich_su
WHERE tuan IN (%(tuan)s, %(tuan_truoc)s)
GROUP BY tuan, nhom;
