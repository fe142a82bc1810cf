-- Counts of the lists built for D: (name, key, value) rows.
SELECT 'nhom', nhom, count(*) FROM lists.tiem_nang WHERE ngay_tham_chieu = %(d)s GROUP BY nhom
UNION ALL SELECT 'tiem_nang', NULL, count(*) FROM lists.tiem_nang WHERE ngay_tham_chieu = %(d)s
UNION ALL SELECT 'unplaced', NULL, count(*) FROM ops.unplaced WHERE ngay_tham_chieu = %(d)s
UNION ALL SELECT 'don_vi_tiem_nang', NULL, count(*) FROM lists.don_vi_tiem_nang WHERE ngay_tham_chieu = %(d)s
UNION ALL SELECT 'den_han_dong', NULL, count(*) FROM lists.den_han_dong WHERE ngay_tham_chieu = %(d)s
UNION ALL SELECT 'the_trung', NULL, count(*) FROM lists.the_trung WHERE ngay_tham_chieu = %(d)s
UNION ALL SELECT 'don_vi_no_dong', NULL, count(*) FROM lists.don_vi_no_dong WHERE ngay_tham_chieu = %(d)s
UNION ALL SELECT 'theo_doi', NULL, count(*) FROM lists.theo_doi WHERE ngay_tham_chieu = %(d)s
UNION ALL SELECT 'loai_tru', NULL, count(*) FROM lists.loai_tru WHERE ngay_tham_chieu = %(d)s
UNION ALL SELECT 'chua_phan_cong', NULL,
                 (SELECT count(*) FROM lists.tiem_nang WHERE ngay_tham_chieu = %(d)s AND ma_dai_ly IS NULL)
                 + (SELECT count(*) FROM lists.den_han_dong WHERE ngay_tham_chieu = %(d)s AND ma_dai_ly IS NULL);
