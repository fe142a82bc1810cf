-- The list rules' own tables (CONTRACT §4): the catalogue of the ten groups, and the follow-up of the
-- persons on the previous published lists (their coverage on a later D, for tong_hop.so_da_tham_gia).

-- The ten groups of §4.1 in priority order, and the coverage each group lacks.
CREATE TABLE lists.nhom (
    nhom           text PRIMARY KEY,
    uu_tien        smallint NOT NULL UNIQUE,
    ten_nhom       text NOT NULL,
    bao_hiem_thieu text[] NOT NULL           -- holding any of these on D counts as having joined
);
COMMENT ON TABLE lists.nhom IS 'Các nhóm đối tượng tiềm năng theo thứ tự ưu tiên và loại bảo hiểm nhóm còn thiếu';

INSERT INTO lists.nhom (nhom, uu_tien, ten_nhom, bao_hiem_thieu) VALUES
    ('BB_NLD',           1,  'Người lao động chưa tham gia BHXH bắt buộc',              '{BHXH_BB}'),
    ('BB_CHU_HKD',       2,  'Chủ hộ kinh doanh kê khai chưa tham gia BHXH',             '{BHXH_BB,BHXH_TN}'),
    ('NSNN_DONG',        3,  'Người được ngân sách nhà nước đóng BHYT chưa có thẻ',      '{BHYT}'),
    ('HO_TRO_CAN_NGHEO', 4,  'Người thuộc hộ cận nghèo chưa có thẻ BHYT',                '{BHYT}'),
    ('HO_TRO_DTTS',      5,  'Người dân tộc thiểu số được hỗ trợ chưa có thẻ BHYT',       '{BHYT}'),
    ('HO_TRO_HSSV',      6,  'Học sinh, sinh viên chưa có thẻ BHYT',                     '{BHYT}'),
    ('HO_TRO_NLNDM',     7,  'Hộ nông, lâm, ngư, diêm nghiệp chưa có thẻ BHYT',          '{BHYT}'),
    ('DUNG_BHXH_TN',     8,  'Người đã dừng đóng BHXH tự nguyện trong năm',               '{BHXH_BB,BHXH_TN}'),
    ('DUNG_BHYT_GD',     9,  'Người đã dừng BHYT hộ gia đình trong năm',                  '{BHYT}'),
    ('THANH_VIEN_HO',    10, 'Thành viên hộ gia đình có người tham gia BHYT hộ gia đình', '{BHYT}');

-- For each person on an earlier published list (the previous published week of each province, as seen
-- from the build for ngay_tham_chieu), the insurance that person holds on ngay_tham_chieu.
CREATE TABLE lists.theo_doi (
    ngay_tham_chieu date NOT NULL,
    ngay_truoc      date NOT NULL,            -- D of the earlier list
    khoa_nguoi      text NOT NULL,            -- the person's key on the earlier list
    person_ids      bigint[] NOT NULL,        -- the person(s) of today's matching that share a key or a record
    co_bhyt         boolean NOT NULL,
    co_bhxh_bb      boolean NOT NULL,
    co_bhxh_tn      boolean NOT NULL,
    PRIMARY KEY (ngay_tham_chieu, ngay_truoc, khoa_nguoi)
);
COMMENT ON TABLE lists.theo_doi IS 'Người của danh sách đã công bố tuần trước: bảo hiểm đang có vào ngày tham chiếu';
