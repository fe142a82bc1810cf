-- Group 2 BB_CHU_HKD: owners of household businesses on the declaration method (KE_KHAI) holding
-- neither BHXH_BB nor BHXH_TN on D. Commune: the business's.
INSERT INTO l_lead (person_id, nhom, rec_id, ma_xa, delivery_date, file_id, dong)
SELECT r.person_id, 'BB_CHU_HKD', r.rec_id, c.ma_xa, fl.delivery_date, r.file_id, r.dong
FROM l_rec r
JOIN stg.household_businesses h ON h.file_id = r.file_id AND h.dong = r.dong
JOIN ops.file_log fl ON fl.file_id = r.file_id
LEFT JOIN ref.commune c ON c.ma_xa = h.ma_xa
LEFT JOIN l_covered v ON v.person_id = r.person_id
WHERE r.nguon = 'household_businesses'
  AND h.phuong_phap = 'KE_KHAI'
  AND NOT coalesce(v.co_bhxh_bb OR v.co_bhxh_tn, false);
