-- One province's results per agent and commune in a week (CONTRACT §4.8). Identifier: schema.
SELECT a.ma_dai_ly, a.ten_dai_ly, a.ma_xa, a.ten_xa, a.so_duoc_giao, a.so_co_ket_qua, a.so_da_tham_gia
FROM {{ schema }}.tien_do_dai_ly_lich_su a
WHERE a.tuan = %(tuan)s
ORDER BY a.ma_dai_ly COLLATE "C", a.ma_xa;
