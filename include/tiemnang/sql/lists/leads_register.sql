-- Groups 8-13 from the register, commune = register residence:
--   DUNG_BHXH_TN: last BHXH_TN spell ended in D's calendar year with den_ngay + 1 < D; no BHXH_TN/BB on D.
--   DUNG_BHYT_GD: last GD card ended in D's calendar year with den_ngay + 1 < D; no BHYT on D.
--   THANH_VIEN_HO: shares ma_ho with a register person holding a GD card on D; no BHYT on D.
--   DUNG_BHXH_BB: aged 15-59 on D, last BHXH_BB spell ended in D's year with den_ngay + 1 < D; no BHXH_BB/TN.
--   HET_HAN_BHYT: last BHYT spell of any object code ended in D's year with den_ngay + 1 < D; no BHYT on D.
--   CAO_TUOI: aged 60 or more on D; no BHYT on D.
-- "Last" = latest den_ngay over the cluster's spells; an open-ended spell is the latest of all. Ages on D from
-- the person's birth date as known, a partial date counting as its first day (lists.tuoi).
WITH last_spell AS (
    SELECT person_id,
           CASE WHEN loai = 'BHXH_TN' THEN 'DUNG_BHXH_TN' ELSE 'DUNG_BHYT_GD' END AS nhom,
           max(den_ngay_mo) AS den_ngay
    FROM l_cov
    WHERE loai = 'BHXH_TN' OR (loai = 'BHYT' AND ma_doi_tuong = 'GD')
    GROUP BY 1, 2
    UNION ALL
    SELECT person_id, CASE loai WHEN 'BHXH_BB' THEN 'DUNG_BHXH_BB' ELSE 'HET_HAN_BHYT' END, max(den_ngay_mo)
    FROM l_cov
    WHERE loai IN ('BHXH_BB', 'BHYT')
    GROUP BY 1, 2
), age AS (
    SELECT person_id, lists.tuoi(ngay_sinh, %(d)s) AS tuoi
    FROM mt.person
    WHERE person_id IN (SELECT person_id FROM l_reg)
), stopped AS (
    SELECT s.person_id, s.nhom
    FROM last_spell s
    LEFT JOIN l_covered v ON v.person_id = s.person_id
    WHERE s.den_ngay <> 'infinity'
      AND extract(year FROM s.den_ngay) = extract(year FROM %(d)s::date)
      AND s.den_ngay + 1 < %(d)s
      AND CASE s.nhom
              WHEN 'DUNG_BHXH_TN' THEN NOT coalesce(v.co_bhxh_tn OR v.co_bhxh_bb, false)
              WHEN 'DUNG_BHXH_BB' THEN NOT coalesce(v.co_bhxh_tn OR v.co_bhxh_bb, false)
                                       AND EXISTS (SELECT FROM age a WHERE a.person_id = s.person_id
                                                                       AND a.tuoi >= 15 AND a.tuoi < 60)
              ELSE NOT coalesce(v.co_bhyt, false)
          END
), elderly AS (
    SELECT a.person_id, 'CAO_TUOI' AS nhom
    FROM age a
    LEFT JOIN l_covered v ON v.person_id = a.person_id
    WHERE a.tuoi >= 60 AND NOT coalesce(v.co_bhyt, false)
), gd_household AS (
    SELECT DISTINCT g.ma_ho
    FROM l_cov c
    JOIN l_reg g ON g.id_nguoi = c.id_nguoi
    WHERE c.loai = 'BHYT' AND c.ma_doi_tuong = 'GD' AND g.ma_ho IS NOT NULL
      AND c.tu_ngay <= %(d)s AND %(d)s <= c.den_ngay_mo
), household_member AS (
    SELECT DISTINCT g.person_id, 'THANH_VIEN_HO' AS nhom
    FROM l_reg g
    JOIN gd_household h ON h.ma_ho = g.ma_ho
    LEFT JOIN l_covered v ON v.person_id = g.person_id
    WHERE NOT coalesce(v.co_bhyt, false)
)
INSERT INTO l_lead (person_id, nhom, rec_id, ma_xa, delivery_date, file_id, dong)
SELECT q.person_id, q.nhom, coalesce(res.rec_id, reg.rec_id), res.ma_xa, fl.delivery_date, reg.file_id, reg.dong
FROM (SELECT * FROM stopped UNION ALL SELECT * FROM household_member UNION ALL SELECT * FROM elderly) q
JOIN LATERAL (SELECT rec_id, file_id, dong FROM l_reg g WHERE g.person_id = q.person_id
              ORDER BY g.id_nguoi LIMIT 1) reg ON true
JOIN ops.file_log fl ON fl.file_id = reg.file_id
LEFT JOIN l_residence res ON res.person_id = q.person_id;
