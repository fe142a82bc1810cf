-- Due to pay for D (CONTRACT §4.3): each person's last GD card (BHYT_GD) and last BHXH_TN spell, due when
-- D <= han_dong = den_ngay + 1 <= D + so_ngay_den_han, unless another spell of the same insurance covers
-- han_dong. Amounts for the next phuong_thuc months from the parameters in force on han_dong, rounded
-- half up to whole VND.
-- The parameters are looked up once per distinct han_dong (at most so_ngay_den_han + 1 dates), not per row.
-- thon: the Thôn/Tổ dân phố of the person's latest welfare record in the row's commune that has one.
-- A person whose latest field result excludes them (l_ket_qua.loai_tru, CONTRACT §4.7) goes to lists.loai_tru
-- with the due type they would have had; every other row shows its latest result.
DELETE FROM lists.den_han_dong WHERE ngay_tham_chieu = %(d)s;
DELETE FROM lists.loai_tru WHERE ngay_tham_chieu = %(d)s AND danh_sach = 'den_han_dong';

WITH last_spell AS (
    -- the WHERE says which spells are due-able (a plain condition the planner estimates well); the CASE
    -- only names the two kinds it lets through
    SELECT DISTINCT ON (c.person_id, loai_den_han) c.*,
           CASE WHEN c.loai = 'BHXH_TN' THEN 'BHXH_TN' ELSE 'BHYT_GD' END AS loai_den_han,
           c.den_ngay + 1 AS han_dong
    FROM l_cov c
    WHERE c.loai = 'BHXH_TN' OR (c.loai = 'BHYT' AND c.ma_doi_tuong = 'GD')
    ORDER BY c.person_id, loai_den_han, c.den_ngay_mo DESC, c.tu_ngay DESC, c.id_nguoi, c.dong
), due AS (
    SELECT s.*
    FROM last_spell s
    WHERE s.den_ngay IS NOT NULL
      AND s.han_dong BETWEEN %(d)s AND %(d)s + (SELECT ref.tham_so_tai('so_ngay_den_han', %(d)s)::int)
      AND NOT EXISTS (
          SELECT 1 FROM l_cov o
          WHERE o.person_id = s.person_id
            AND CASE s.loai_den_han WHEN 'BHYT_GD' THEN o.loai = 'BHYT'
                                    ELSE o.loai IN ('BHXH_BB', 'BHXH_TN') END
            AND o.tu_ngay <= s.han_dong AND s.han_dong <= o.den_ngay_mo
      )
), param AS (
    SELECT h.han_dong,
           ref.tham_so_tai('ty_le_bhyt', h.han_dong) AS ty_le_bhyt,
           ref.tham_so_tai('luong_co_so', h.han_dong) AS luong_co_so,
           ARRAY[ref.tham_so_tai('he_so_ho_1', h.han_dong), ref.tham_so_tai('he_so_ho_2', h.han_dong),
                 ref.tham_so_tai('he_so_ho_3', h.han_dong), ref.tham_so_tai('he_so_ho_4', h.han_dong),
                 ref.tham_so_tai('he_so_ho_5', h.han_dong)] AS he_so_ho,
           ref.tham_so_tai('ty_le_bhxh_tn', h.han_dong) AS ty_le_bhxh_tn,
           ref.tham_so_tai('chuan_ngheo_nong_thon', h.han_dong) AS chuan_ngheo_nong_thon,
           ref.tham_so_tai('ho_tro_tn_khac', h.han_dong) AS ho_tro_tn_khac,
           ref.tham_so_tai('ho_tro_tn_ho_ngheo', h.han_dong) AS ho_tro_tn_ho_ngheo,
           ref.tham_so_tai('ho_tro_tn_can_ngheo', h.han_dong) AS ho_tro_tn_can_ngheo,
           ref.tham_so_tai('ho_tro_tn_dtts', h.han_dong) AS ho_tro_tn_dtts
    FROM (SELECT DISTINCT han_dong FROM due) h
), support AS (
    -- the highest BHXH_TN support rate among the person's welfare categories, in force on han_dong
    SELECT d.person_id, d.loai_den_han,
           greatest(pr.ho_tro_tn_khac,
                    max(CASE w.doi_tuong
                            WHEN 'HN' THEN pr.ho_tro_tn_ho_ngheo
                            WHEN 'CN' THEN pr.ho_tro_tn_can_ngheo
                            WHEN 'DTTS' THEN pr.ho_tro_tn_dtts
                        END)) AS ty_le_ho_tro
    FROM due d
    JOIN param pr ON pr.han_dong = d.han_dong
    LEFT JOIN l_rec r ON r.person_id = d.person_id AND r.nguon = 'welfare'
    LEFT JOIN stg.welfare w ON w.file_id = r.file_id AND w.dong = r.dong
    WHERE d.loai_den_han = 'BHXH_TN'
    GROUP BY d.person_id, d.loai_den_han, d.han_dong, pr.ho_tro_tn_khac
), hamlet AS (
    SELECT DISTINCT ON (r.person_id, w.ma_xa) r.person_id, w.ma_xa, normalize(btrim(w.thon), NFC) AS thon
    FROM l_rec r
    JOIN stg.welfare w ON w.file_id = r.file_id AND w.dong = r.dong
    JOIN ops.file_log fl ON fl.file_id = r.file_id
    WHERE r.nguon = 'welfare' AND btrim(w.thon) <> '' AND r.person_id IN (SELECT person_id FROM due)
    ORDER BY r.person_id, w.ma_xa, fl.delivery_date DESC, r.file_id DESC, r.dong DESC
), due_row AS (
    SELECT d.person_id, d.id_nguoi, p.so_ddcn, p.ma_so_bhxh, normalize(p.ho_ten, NFC) AS ho_ten, p.ngay_sinh,
           p.gioi_tinh, g.ma_xa, x.ma_tinh, g.ma_ho, d.loai_den_han, d.han_dong, d.phuong_thuc,
           round(CASE d.loai_den_han
               WHEN 'BHYT_GD' THEN
                   pr.ty_le_bhyt * pr.luong_co_so
                   * pr.he_so_ho[least(greatest(coalesce(d.thu_tu_trong_ho, 1), 1), 5)]
                   * d.phuong_thuc
               ELSE
                   (pr.ty_le_bhxh_tn * d.muc_thu_nhap
                    - s.ty_le_ho_tro * pr.ty_le_bhxh_tn * pr.chuan_ngheo_nong_thon)
                   * d.phuong_thuc
           END)::bigint AS so_tien,
           hm.thon, k.ket_qua, k.ngay AS ngay_ket_qua, k.ma_dai_ly AS dai_ly_ket_qua,
           coalesce(k.loai_tru, false) AS loai_tru
    FROM due d
    JOIN param pr ON pr.han_dong = d.han_dong
    JOIN mt.person p USING (person_id)
    JOIN l_reg g ON g.id_nguoi = d.id_nguoi
    LEFT JOIN ref.commune x ON x.ma_xa = g.ma_xa
    LEFT JOIN support s ON s.person_id = d.person_id AND s.loai_den_han = d.loai_den_han
    LEFT JOIN hamlet hm ON hm.person_id = d.person_id AND hm.ma_xa = g.ma_xa
    LEFT JOIN l_ket_qua k ON k.person_id = d.person_id
), excluded AS (
    -- a row without a commune cannot be published in loai_tru (nor in den_han_dong's province tables)
    INSERT INTO lists.loai_tru (ngay_tham_chieu, danh_sach, person_id, nhom, id_nguoi, so_ddcn, ma_so_bhxh, ho_ten,
                                ngay_sinh, ma_xa, ma_tinh, thon, ket_qua, ngay_ket_qua, ma_dai_ly)
    SELECT %(d)s, 'den_han_dong', person_id, loai_den_han, id_nguoi, so_ddcn, ma_so_bhxh, ho_ten, ngay_sinh,
           ma_xa, ma_tinh, thon, ket_qua, ngay_ket_qua, dai_ly_ket_qua
    FROM due_row WHERE loai_tru AND ma_xa IS NOT NULL AND ma_tinh IS NOT NULL
)
INSERT INTO lists.den_han_dong (ngay_tham_chieu, id_nguoi, so_ddcn, ma_so_bhxh, ho_ten, ngay_sinh, gioi_tinh,
                                ma_xa, ma_tinh, ma_ho, loai, han_dong, phuong_thuc, so_tien, thon,
                                ket_qua_gan_nhat, ngay_ket_qua)
SELECT %(d)s, id_nguoi, so_ddcn, ma_so_bhxh, ho_ten, ngay_sinh, gioi_tinh, ma_xa, ma_tinh, ma_ho, loai_den_han,
       han_dong, phuong_thuc, so_tien, thon, ket_qua, ngay_ket_qua
FROM due_row WHERE NOT loai_tru;
