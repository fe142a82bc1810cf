-- Pairs per source pair, comparison, level and label, from the levels 06_scores gave the pairs of learn_pairs.
SELECT p.cap, f.truong, f.muc, count(*) FILTER (WHERE p.nhan = 'm') AS n_m,
       count(*) FILTER (WHERE p.nhan = 'u') AS n_u
FROM mt.w_score s
JOIN mt.w_pair p ON p.a = s.a AND p.b = s.b
CROSS JOIN LATERAL (VALUES ('ho_ten', s.ho_ten), ('ngay_sinh', s.ngay_sinh), ('gioi_tinh', s.gioi_tinh),
                           ('noi_o', s.noi_o)) AS f (truong, muc)
GROUP BY p.cap, f.truong, f.muc
ORDER BY p.cap, f.truong, f.muc;
