-- Matching weights learnt from the data (issue #19): per source pair, comparison and level, the
-- m-probability (share of labelled true pairs — records sharing a trusted so_ddcn or ma_so_bhxh — at that
-- level) and u-probability (share of random pairs of records at that level), and w = log2(m/u).
-- Filled by tiemnang.matching.weights.estimate_weights; 06_scores still uses its hand-set weights
-- (docs/matching.md, "Learnt weights").
CREATE TABLE IF NOT EXISTS mt.trong_so_hoc (
    cap_nguon       text NOT NULL,
    truong          text NOT NULL CHECK (truong IN ('ho_ten', 'ngay_sinh', 'gioi_tinh', 'noi_o')),
    muc             text NOT NULL,
    m               float8 NOT NULL CHECK (m > 0 AND m <= 1),
    u               float8 NOT NULL CHECK (u > 0 AND u <= 1),
    w               float8 NOT NULL,
    so_cap_m        integer NOT NULL,
    so_cap_u        integer NOT NULL,
    ngay_du_lieu    date NOT NULL,
    uoc_luong_luc   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cap_nguon, truong, muc)
);
COMMENT ON TABLE mt.trong_so_hoc IS 'Trọng số ghép bản ghi học từ dữ liệu: theo cặp nguồn, trường so sánh và mức; m từ các cặp cùng số định danh/mã số BHXH tin cậy, u từ các cặp ngẫu nhiên';
COMMENT ON COLUMN mt.trong_so_hoc.cap_nguon IS 'Cặp nguồn, ví dụ register-schools (thứ tự chữ cái)';
COMMENT ON COLUMN mt.trong_so_hoc.truong IS 'Trường so sánh: ho_ten, ngay_sinh, gioi_tinh, noi_o';
COMMENT ON COLUMN mt.trong_so_hoc.muc IS 'Mức so sánh như trong mt.w_score (trung, khong_dau, thieu, ...)';
COMMENT ON COLUMN mt.trong_so_hoc.m IS 'Xác suất gặp mức này ở hai bản ghi của cùng một người';
COMMENT ON COLUMN mt.trong_so_hoc.u IS 'Xác suất gặp mức này ở hai bản ghi ngẫu nhiên';
COMMENT ON COLUMN mt.trong_so_hoc.w IS 'Trọng số log2(m/u)';
COMMENT ON COLUMN mt.trong_so_hoc.so_cap_m IS 'Số cặp có nhãn (cùng định danh tin cậy) dùng để ước lượng m';
COMMENT ON COLUMN mt.trong_so_hoc.so_cap_u IS 'Số cặp ngẫu nhiên dùng để ước lượng u';
COMMENT ON COLUMN mt.trong_so_hoc.ngay_du_lieu IS 'Ngày tham chiếu D của dữ liệu dùng để ước lượng';
