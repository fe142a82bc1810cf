-- Where the state pays twice (issue #16): the week's overlapping BHYT cards (THE_TRUNG) per province and pair of
-- object codes, from lists.the_trung_theo_cap, for the provinces that published week %(tuan)s (its D is %(d)s):
-- pairs, persons, and pairs holding a card the state budget pays or supports (families in ref.doi_tuong_bhyt).
SELECT v.ma_tinh, pr.ten_tinh, v.cap_doi_tuong, d1.ten AS ten_1, d2.ten AS ten_2,
       v.so_cap, v.so_nguoi, v.so_cap_ngan_sach
FROM lists.the_trung_theo_cap v
JOIN ops.publication p ON p.ma_tinh = v.ma_tinh AND p.tuan = %(tuan)s AND p.ngay_tham_chieu = v.ngay_tham_chieu
JOIN ref.province pr ON pr.ma_tinh = v.ma_tinh
LEFT JOIN ref.doi_tuong_bhyt d1 ON d1.ma_doi_tuong = split_part(v.cap_doi_tuong, '+', 1)
LEFT JOIN ref.doi_tuong_bhyt d2 ON d2.ma_doi_tuong = split_part(v.cap_doi_tuong, '+', 2)
WHERE v.ngay_tham_chieu = %(d)s
ORDER BY v.ma_tinh, v.so_cap DESC, v.cap_doi_tuong;
