-- Every province with its publication of week %(tuan)s (if any) and its previous published week.
SELECT pr.ma_tinh, pr.ten_tinh,
       p.tuan, p.ngay_tham_chieu, p.published_at, p.so_tiem_nang, p.so_don_vi, p.so_den_han,
       (p.so_dong ->> 'the_trung')::bigint AS so_the_trung, (p.so_dong ->> 'don_vi_no_dong')::bigint AS so_no_dong,
       prev.tuan AS tuan_truoc, prev.so_tiem_nang AS so_tiem_nang_truoc
FROM ref.province pr
LEFT JOIN ops.publication p ON p.ma_tinh = pr.ma_tinh AND p.tuan = %(tuan)s
LEFT JOIN LATERAL (
    SELECT x.tuan, x.so_tiem_nang
    FROM ops.publication x
    WHERE x.ma_tinh = pr.ma_tinh AND x.tuan < %(tuan)s
    ORDER BY x.tuan DESC
    LIMIT 1
) prev ON true
ORDER BY pr.ma_tinh;
