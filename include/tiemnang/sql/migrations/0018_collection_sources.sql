-- Revision 2, part 2 (issue #17): the collection/ source (CONTRACT §2.6) — agents and the areas they serve,
-- the yearly targets, and the agents' field results. Kinds: dai_ly_thu, chi_tieu (the latest delivery of each
-- file is in force) and ket_qua (every file ever delivered counts: its file_key is its own path, so
-- stg.current_files keeps them all).

CREATE TABLE stg.dai_ly_thu (
    file_id bigint NOT NULL, dong bigint NOT NULL,
    ma_dai_ly  text NOT NULL,
    ten_dai_ly text,
    ma_xa      text NOT NULL,
    thon       text,                              -- as written; empty = the whole commune
    thon_khoa  text,                              -- mt.khong_dau(thon) with spaces removed: compared ignoring
                                                  -- case, diacritics and spacing (CONTRACT §4.7)
    tu_ngay    date NOT NULL,
    den_ngay   date,                              -- empty = open
    canh_bao   text[] NOT NULL DEFAULT '{}',
    hang_bam   bytea,
    PRIMARY KEY (file_id, dong)
);
COMMENT ON TABLE stg.dai_ly_thu IS 'Đại lý thu, tổ chức dịch vụ thu, cộng tác viên và địa bàn phụ trách (collection/dai_ly_thu.csv)';

CREATE TABLE stg.chi_tieu (
    file_id bigint NOT NULL, dong bigint NOT NULL,
    nam      integer NOT NULL,
    ma_xa    text NOT NULL,
    nhom     text NOT NULL,
    chi_tieu integer NOT NULL CHECK (chi_tieu >= 0),
    canh_bao text[] NOT NULL DEFAULT '{}',
    hang_bam bytea,
    PRIMARY KEY (file_id, dong)
);
COMMENT ON TABLE stg.chi_tieu IS 'Chỉ tiêu phát triển người tham gia mới theo năm, xã và nhóm (collection/chi_tieu.csv)';

CREATE TABLE stg.ket_qua (
    file_id bigint NOT NULL, dong bigint NOT NULL,
    ma_dai_ly text NOT NULL,
    ho_ten text, ngay_sinh text, ngay_sinh_dau date, gioi_tinh smallint,
    so_ddcn text, so_ddcn_tin_cay boolean NOT NULL DEFAULT false,
    ma_xa    text NOT NULL,
    ngay     date NOT NULL,                       -- the visit
    ket_qua  text NOT NULL CHECK (ket_qua IN ('DA_LIEN_HE', 'HEN_THAM_GIA', 'TU_CHOI', 'KHONG_TIM_THAY',
                                              'CHUYEN_DI', 'DA_MAT')),
    ghi_chu  text,
    canh_bao text[] NOT NULL DEFAULT '{}',
    hang_bam bytea,
    PRIMARY KEY (file_id, dong)
);
COMMENT ON TABLE stg.ket_qua IS 'Kết quả đi vận động của đại lý thu, mỗi dòng một lần gặp (collection/<ngày>/ket_qua/)';

CREATE TABLE ref.ket_qua (
    ma      text PRIMARY KEY,
    mo_ta   text NOT NULL,
    loai_tru boolean NOT NULL,                    -- excludes the person from the lists (CONTRACT §4.7)
    so_ngay_loai_tru integer                      -- NULL = for good (DA_MAT); else within this many days before D
);
COMMENT ON TABLE ref.ket_qua IS 'Danh mục kết quả đi vận động (CONTRACT §2.6) và quy tắc loại khỏi danh sách (§4.7)';
INSERT INTO ref.ket_qua (ma, mo_ta, loai_tru, so_ngay_loai_tru) VALUES
    ('DA_LIEN_HE',     'Đã liên hệ',                    false, NULL),
    ('HEN_THAM_GIA',   'Hẹn tham gia',                  false, NULL),
    ('TU_CHOI',        'Từ chối tham gia',              false, NULL),
    ('KHONG_TIM_THAY', 'Không tìm thấy tại địa chỉ',    true,  180),
    ('CHUYEN_DI',      'Đã chuyển đi nơi khác',         true,  180),
    ('DA_MAT',         'Đã mất',                        true,  NULL);

-- Result rows are source records of persons (CONTRACT §4.7): they enter the matching as records of 'collection'.
ALTER TABLE mt.record DROP CONSTRAINT record_nguon_check;
ALTER TABLE mt.record ADD CONSTRAINT record_nguon_check
    CHECK (nguon IN ('register', 'schools', 'welfare', 'wage_earners', 'household_businesses', 'collection'));
