-- Groups 8-10 from the register, commune = register residence:
--   DUNG_BHXH_TN: last BHXH_TN spell ended in D's calendar year with den_ngay + 1 < D; no BHXH_TN/BB on D.
--   DUNG_BHYT_GD: last GD card ended in D's calendar year with den_ngay + 1 < D; no BHYT on D.
--   THANH_VIEN_HO: shares ma_ho with a register person holding a GD card on D; no BHYT on D.
-- "Last" = latest den_ngay over the cluster's spells; an open-ended spell is the latest of all.
WITH last_spell AS (
    SELECT person_id,
           CASE WHEN loai = 'BHXH_TN' THEN 'DUNG_BHXH_TN' ELSE 'DUNG_BHYT_GD' END AS nhom,
           max(den_ngay_mo) AS den_ngay
    FROM l_cov
    WHERE loai = 'BHXH_TN' OR (loai = 'BHYT' AND ma_doi_tuong = 'GD')
    GROUP BY 1, 2
), stopped AS (
    SELECT s.person_id, s.nhom
    FROM last_spell s
    LEFT JOIN l_covered v ON v.person_id = s.person_id
    WHERE s.den_ngay <> 'infinity'
      AND extract(year FROM s.den_ngay) = extract(year FROM %(d)s::date)
      AND s.den_ngay + 1 < %(d)s
      AND CASE s.nhom
              WHEN 'DUNG_BHXH_TN' THEN NOT coalesce(v.co_bhxh_tn OR v.co_bhxh_bb, false)
              ELSE NOT coalesce(v.co_bhyt, false)
          END
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
FROM (SELECT * FROM stopped UNION ALL SELECT * FROM household_member) q
JOIN LATERAL (SELECT rec_id, file_id, dong FROM l_reg g WHERE g.person_id = q.person_id
              ORDER BY g.id_nguoi LIMIT 1) reg ON true
JOIN ops.file_log fl ON fl.file_id = reg.file_id
LEFT JOIN l_residence res ON res.person_id = q.person_id;
