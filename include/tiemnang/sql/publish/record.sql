-- Record (or re-record) the province's publication of the week.
INSERT INTO ops.publication (ma_tinh, tuan, ngay_tham_chieu, so_tiem_nang, so_don_vi, so_den_han)
VALUES (%(ma_tinh)s, %(tuan)s, %(d)s, %(tiem_nang)s, %(don_vi_tiem_nang)s, %(den_han_dong)s)
ON CONFLICT (ma_tinh, tuan) DO UPDATE
SET ngay_tham_chieu = EXCLUDED.ngay_tham_chieu, published_at = now(), so_tiem_nang = EXCLUDED.so_tiem_nang,
    so_don_vi = EXCLUDED.so_don_vi, so_den_han = EXCLUDED.so_den_han;
