-- Record (or re-record) the province's publication of the week: the rows of every published table in so_dong,
-- the three lists also in their own columns (as before so_dong existed).
INSERT INTO ops.publication (ma_tinh, tuan, ngay_tham_chieu, so_tiem_nang, so_don_vi, so_den_han, so_dong)
VALUES (%(ma_tinh)s, %(tuan)s, %(d)s, %(tiem_nang)s, %(don_vi_tiem_nang)s, %(den_han_dong)s, %(so_dong)s)
ON CONFLICT (ma_tinh, tuan) DO UPDATE
SET ngay_tham_chieu = EXCLUDED.ngay_tham_chieu, published_at = now(), so_tiem_nang = EXCLUDED.so_tiem_nang,
    so_don_vi = EXCLUDED.so_don_vi, so_den_han = EXCLUDED.so_den_han, so_dong = EXCLUDED.so_dong;
