-- The week's rows of both lists assigned to an agent, for the agents' workbooks (CONTRACT §5). ma_dai_ly first:
-- export.py reads the rows agent by agent, in this order. Within an agent: by commune, then hamlet (empty last),
-- then name. Hamlets by the key the assignment compares them with (mt.thon_khoa: no case, diacritics, spaces or
-- punctuation, digits kept), every run of digits zero-padded to ten so that "Thôn 2" comes before "Thôn 10".
-- Names folded the same way as tiemnang.vietnamese.bo_dau and lower() (no diacritics, đ as d, no case). All in
-- byte order (COLLATE "C") and with an explicit upper-to-lower map, so that every locale gives the same order.
-- Identifier: schema.
WITH hang AS (
    SELECT t.ma_dai_ly, t.ma_xa, t.ten_xa, t.thon, 1 AS thu_tu_danh_sach, 'tiem_nang' AS danh_sach,
           t.ho_ten, t.ngay_sinh, t.gioi_tinh, t.so_ddcn, t.ma_so_bhxh, n.ten_nhom AS nhom_loai,
           NULL::date AS han_dong, NULL::bigint AS so_tien, t.ket_qua_gan_nhat, t.ngay_ket_qua,
           t.khoa_nguoi AS khoa, t.ngay_tham_chieu
    FROM {{ schema }}.tiem_nang_lich_su t
    JOIN lists.nhom n USING (nhom)
    WHERE t.tuan = %(tuan)s AND t.ma_dai_ly <> ''
    UNION ALL
    SELECT d.ma_dai_ly, d.ma_xa, d.ten_xa, d.thon, 2, 'den_han_dong',
           d.ho_ten, d.ngay_sinh, d.gioi_tinh, d.so_ddcn, d.ma_so_bhxh, d.loai,
           d.han_dong, d.so_tien, d.ket_qua_gan_nhat, d.ngay_ket_qua,
           d.id_nguoi::text || ' ' || d.loai, d.ngay_tham_chieu
    FROM {{ schema }}.den_han_dong_lich_su d
    WHERE d.tuan = %(tuan)s AND d.ma_dai_ly <> ''
), khoa AS (
    SELECT h.*,
           regexp_replace(regexp_replace(mt.thon_khoa(h.thon), '(\d+)', '0000000000\1', 'g'),
                          '0*(\d{10})', '\1', 'g') AS thon_sap,
           translate(regexp_replace(normalize(h.ho_ten, NFD), '[\u0300-\u036f]', '', 'g'),
                     'ABCDEFGHIJKLMNOPQRSTUVWXYZĐđ', 'abcdefghijklmnopqrstuvwxyzdd') AS ten_sap
    FROM hang h
)
SELECT k.ma_dai_ly, k.ma_xa, k.ten_xa, k.ho_ten, k.ngay_sinh, k.gioi_tinh, k.so_ddcn, k.ma_so_bhxh, k.thon,
       k.danh_sach, k.nhom_loai, k.han_dong, k.so_tien, k.ket_qua_gan_nhat, k.ngay_ket_qua, k.ngay_tham_chieu
FROM khoa k
ORDER BY k.ma_dai_ly COLLATE "C", k.ma_xa COLLATE "C" NULLS LAST,
         k.thon_sap COLLATE "C" NULLS LAST,
         k.ten_sap COLLATE "C" NULLS LAST, k.ho_ten COLLATE "C", k.ngay_sinh COLLATE "C" NULLS LAST,
         k.thu_tu_danh_sach, k.khoa COLLATE "C";
