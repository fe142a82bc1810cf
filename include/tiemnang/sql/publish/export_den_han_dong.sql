-- The week's persons due to pay in the province, by due date within each commune (ma_xa first, as in
-- export_tiem_nang), for the collectors' workbooks; rows without a commune are in no workbook. loai only
-- breaks the tie of one person due for both on one day, BHYT_GD first as in CONTRACT §4.3: without it
-- their order was whatever the sort left.
SELECT h.ma_xa, h.ho_ten, h.ma_so_bhxh, h.so_ddcn, h.ngay_sinh, h.gioi_tinh, h.ma_ho, h.loai, h.han_dong,
       h.phuong_thuc, h.so_tien
FROM {{ schema }}.den_han_dong_lich_su h
WHERE h.tuan = %(tuan)s AND h.ma_xa IS NOT NULL
ORDER BY h.ma_xa, h.han_dong, h.ma_ho NULLS LAST, h.ho_ten, h.id_nguoi, h.loai DESC;
