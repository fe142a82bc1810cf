-- Views over the lists.* tables the column catalogue makes (so they cannot live in a migration, which runs
-- before the catalogue's tables exist); run by prepare_warehouse after them. CREATE OR REPLACE: idempotent.
-- Where the state pays twice: per reference date, province and pair of object codes of overlapping cards on
-- lists.the_trung, how many pairs and persons, and how many pairs hold a state-paid or state-supported card.
CREATE OR REPLACE VIEW lists.the_trung_theo_cap AS
WITH pairs AS (
    SELECT t.ngay_tham_chieu, t.ma_tinh, t.person_id,
           least(a.the ->> 'ma_doi_tuong', b.the ->> 'ma_doi_tuong') AS ma_1,
           greatest(a.the ->> 'ma_doi_tuong', b.the ->> 'ma_doi_tuong') AS ma_2
    FROM lists.the_trung t
    CROSS JOIN LATERAL jsonb_array_elements(t.the) WITH ORDINALITY AS a (the, i)
    CROSS JOIN LATERAL jsonb_array_elements(t.the) WITH ORDINALITY AS b (the, j)
    WHERE t.loai = 'THE_TRUNG' AND a.i < b.j
)
SELECT p.ngay_tham_chieu, p.ma_tinh, coalesce(p.ma_1, '?') || '+' || coalesce(p.ma_2, '?') AS cap_doi_tuong,
       count(*) AS so_cap, count(DISTINCT p.person_id) AS so_nguoi,
       count(*) FILTER (WHERE d1.nhom_dong IN ('NSNN_DONG', 'NSNN_HO_TRO')
                           OR d2.nhom_dong IN ('NSNN_DONG', 'NSNN_HO_TRO')) AS so_cap_ngan_sach
FROM pairs p
LEFT JOIN ref.doi_tuong_bhyt d1 ON d1.ma_doi_tuong = p.ma_1
LEFT JOIN ref.doi_tuong_bhyt d2 ON d2.ma_doi_tuong = p.ma_2
GROUP BY p.ngay_tham_chieu, p.ma_tinh, 3;
COMMENT ON VIEW lists.the_trung_theo_cap IS
    'Thẻ BHYT trùng theo tỉnh và cặp mã đối tượng: số cặp, số người, số cặp có thẻ do ngân sách nhà nước đóng hoặc hỗ trợ';
