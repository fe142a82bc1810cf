-- The week's persons due to pay in one commune, by due date, for the collectors' workbook.
SELECT h.ho_ten, h.ma_so_bhxh, h.so_ddcn, h.ngay_sinh, h.gioi_tinh, h.ma_ho, h.loai, h.han_dong,
       h.phuong_thuc, h.so_tien
FROM {{ schema }}.den_han_dong_lich_su h
WHERE h.tuan = %(tuan)s AND h.ma_xa = %(ma_xa)s
ORDER BY h.han_dong, h.ma_ho NULLS LAST, h.ho_ten, h.id_nguoi;
