-- The week's duplicate cards and duplicate records of the province by commune (ma_xa first, as in
-- export_tiem_nang), for the collectors' workbooks: duplicate cards first, then by name.
SELECT t.ma_xa, t.ho_ten, t.ngay_sinh, t.gioi_tinh, t.so_ddcn, t.ma_so_bhxh, t.loai,
       array_to_string(t.id_nguoi, ', '), t.the
FROM {{ schema }}.the_trung_lich_su t
WHERE t.tuan = %(tuan)s
ORDER BY t.ma_xa, t.loai DESC, t.ho_ten, t.id_nguoi;
