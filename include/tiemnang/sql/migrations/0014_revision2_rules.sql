-- CONTRACT revision 2, the rules part (issue #16): groups 11-14, the staging tables of the employer ledger
-- (register/contributions.csv) and of the ATK communes (reference/xa_atk.csv), the BHYT object-code
-- families, the reason codes revision 2 names, and the helpers the new lists use.

-- The two sources revision 2 adds (CONTRACT §2.5, §2.6).
ALTER TABLE ops.file_log DROP CONSTRAINT file_log_source_check;
ALTER TABLE ops.file_log ADD CONSTRAINT file_log_source_check
    CHECK (source IN ('register', 'tax', 'schools', 'welfare', 'reference', 'collection'));

INSERT INTO lists.nhom (nhom, uu_tien, ten_nhom, bao_hiem_thieu) VALUES
    ('DUNG_BHXH_BB', 11, 'Người trong độ tuổi lao động đã dừng đóng BHXH bắt buộc trong năm', '{BHXH_BB,BHXH_TN}'),
    ('HET_HAN_BHYT', 12, 'Người có thẻ BHYT đã hết hạn trong năm',                            '{BHYT}'),
    ('CAO_TUOI',     13, 'Người từ đủ 60 tuổi chưa có thẻ BHYT',                               '{BHYT}'),
    ('XA_ATK',       14, 'Người cư trú tại xã an toàn khu chưa có thẻ BHYT (Nghị định 75/2023/NĐ-CP)', '{BHYT}');

-- The first day of a birth date as known (YYYY-MM-DD, YYYY-MM or YYYY; CONTRACT §1), NULL when it is none.
CREATE FUNCTION lists.ngay_dau(p text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN p ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN to_date(p, 'YYYY-MM-DD')
        WHEN p ~ '^[0-9]{4}-[0-9]{2}$' THEN to_date(p || '-01', 'YYYY-MM-DD')
        WHEN p ~ '^[0-9]{4}$' THEN to_date(p || '-01-01', 'YYYY-MM-DD')
    END
$$;

-- Age in whole years on D of a birth date as known (partial dates count as their first day).
CREATE FUNCTION lists.tuoi(p_ngay_sinh text, p_d date) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT extract(year FROM age(p_d, lists.ngay_dau(p_ngay_sinh)))::int
$$;

-- BHYT object codes by who pays (Luật BHYT 2008 sửa đổi, Nghị định 146/2018/NĐ-CP, mã đối tượng theo
-- Quyết định 1351/QĐ-BHXH): employer and employee, the social-insurance fund, the state budget, the state
-- budget supporting part of the contribution, the household. Data: a code the register starts to use is a
-- row here, not a code change.
CREATE TABLE ref.doi_tuong_bhyt (
    ma_doi_tuong text PRIMARY KEY,
    nhom_dong    text NOT NULL CHECK (nhom_dong IN ('NLD_SDLD', 'QUY_BHXH', 'NSNN_DONG', 'NSNN_HO_TRO', 'HO_GIA_DINH', 'KHAC')),
    ten          text NOT NULL
);
COMMENT ON TABLE ref.doi_tuong_bhyt IS 'Mã đối tượng thẻ BHYT theo nhóm người đóng (ngân sách nhà nước đóng, hỗ trợ, …)';
INSERT INTO ref.doi_tuong_bhyt (ma_doi_tuong, nhom_dong, ten) VALUES
    ('DN', 'NLD_SDLD', 'Người lao động làm việc trong doanh nghiệp'),
    ('HX', 'NLD_SDLD', 'Người lao động trong hợp tác xã'),
    ('CH', 'NLD_SDLD', 'Người lao động trong cơ quan nhà nước, đơn vị sự nghiệp'),
    ('NN', 'NLD_SDLD', 'Người lao động trong cơ quan, tổ chức nước ngoài, quốc tế'),
    ('TK', 'NLD_SDLD', 'Người lao động trong các tổ chức khác'),
    ('HC', 'NLD_SDLD', 'Cán bộ, công chức, viên chức'),
    ('XK', 'NLD_SDLD', 'Người hoạt động không chuyên trách ở cấp xã'),
    ('HT', 'QUY_BHXH', 'Người hưởng lương hưu, trợ cấp mất sức lao động'),
    ('TB', 'QUY_BHXH', 'Người hưởng trợ cấp tai nạn lao động, bệnh nghề nghiệp hằng tháng'),
    ('NO', 'QUY_BHXH', 'Người nghỉ việc hưởng trợ cấp ốm đau dài ngày'),
    ('XB', 'QUY_BHXH', 'Cán bộ xã hưởng trợ cấp BHXH hằng tháng'),
    ('TN', 'QUY_BHXH', 'Người hưởng trợ cấp thất nghiệp'),
    ('CS', 'QUY_BHXH', 'Công nhân cao su hưởng trợ cấp hằng tháng'),
    ('QN', 'NSNN_DONG', 'Sĩ quan, quân nhân chuyên nghiệp'),
    ('CA', 'NSNN_DONG', 'Sĩ quan, hạ sĩ quan công an'),
    ('CY', 'NSNN_DONG', 'Người làm công tác cơ yếu'),
    ('XN', 'NSNN_DONG', 'Cán bộ xã nghỉ việc hưởng trợ cấp từ ngân sách'),
    ('MS', 'NSNN_DONG', 'Người đã thôi hưởng trợ cấp mất sức lao động'),
    ('CC', 'NSNN_DONG', 'Người có công với cách mạng'),
    ('CK', 'NSNN_DONG', 'Thân nhân người có công, cựu chiến binh'),
    ('CB', 'NSNN_DONG', 'Cựu chiến binh'),
    ('KC', 'NSNN_DONG', 'Người trực tiếp tham gia kháng chiến'),
    ('HD', 'NSNN_DONG', 'Đại biểu Quốc hội, Hội đồng nhân dân đương nhiệm'),
    ('BT', 'NSNN_DONG', 'Người hưởng trợ cấp bảo trợ xã hội hằng tháng'),
    ('HN', 'NSNN_DONG', 'Người thuộc hộ gia đình nghèo'),
    ('DT', 'NSNN_DONG', 'Người dân tộc thiểu số vùng khó khăn'),
    ('DK', 'NSNN_DONG', 'Người sinh sống tại vùng đặc biệt khó khăn, xã đảo, huyện đảo'),
    ('XD', 'NSNN_DONG', 'Người sinh sống tại xã an toàn khu, xã đảo'),
    ('TS', 'NSNN_DONG', 'Thân nhân liệt sĩ'),
    ('TC', 'NSNN_DONG', 'Thân nhân người có công'),
    ('TQ', 'NSNN_DONG', 'Thân nhân quân nhân'),
    ('TA', 'NSNN_DONG', 'Thân nhân công an'),
    ('TY', 'NSNN_DONG', 'Thân nhân người làm công tác cơ yếu'),
    ('TE', 'NSNN_DONG', 'Trẻ em dưới 6 tuổi'),
    ('HG', 'NSNN_DONG', 'Người hiến bộ phận cơ thể'),
    ('LS', 'NSNN_DONG', 'Người nước ngoài học tại Việt Nam được cấp học bổng từ ngân sách'),
    ('PV', 'NSNN_DONG', 'Người phục vụ người có công'),
    ('CN', 'NSNN_HO_TRO', 'Người thuộc hộ gia đình cận nghèo'),
    ('HS', 'NSNN_HO_TRO', 'Học sinh'),
    ('SV', 'NSNN_HO_TRO', 'Sinh viên'),
    ('GB', 'NSNN_HO_TRO', 'Người thuộc hộ nông, lâm, ngư, diêm nghiệp có mức sống trung bình'),
    ('GD', 'HO_GIA_DINH', 'Người tham gia BHYT theo hộ gia đình');

-- register/contributions.csv (CONTRACT §2.1, optional): the employer ledger of the last 24 months.
CREATE TABLE stg.contributions (
    file_id bigint NOT NULL, dong bigint NOT NULL,
    ma_don_vi text NOT NULL,
    ky        text NOT NULL CHECK (ky ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    phai_dong bigint NOT NULL CHECK (phai_dong >= 0),
    da_dong   bigint NOT NULL CHECK (da_dong >= 0),
    canh_bao  text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (file_id, dong)
);
COMMENT ON TABLE stg.contributions IS 'Sổ theo dõi thu của đơn vị: số phải đóng và đã đóng theo tháng (register/contributions.csv)';

-- reference/xa_atk.csv (CONTRACT §2.5): communes whose residents get state-paid BHYT as safe-zone communes.
CREATE TABLE stg.xa_atk (
    file_id bigint NOT NULL, dong bigint NOT NULL,
    ma_xa   text NOT NULL,
    ghi_chu text,
    canh_bao text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (file_id, dong)
);
COMMENT ON TABLE stg.xa_atk IS 'Xã an toàn khu (Nghị định 75/2023/NĐ-CP) theo mã xã hiện hành (reference/xa_atk.csv)';

INSERT INTO ops.reason_code (code, scope, mo_ta) VALUES
    ('so_tien_khong_hop_le', 'row', 'Số tiền âm hoặc không phải là số nguyên (đồng). Sửa số tiền rồi gửi lại tệp.'),
    ('ky_khong_hop_le', 'row', 'Kỳ không đúng dạng YYYY-MM (năm-tháng). Sửa kỳ rồi gửi lại tệp.'),
    ('don_vi_khong_ton_tai', 'row', 'Đơn vị của dòng sổ thu không có trong danh sách đơn vị (employers.csv) của cùng lần gửi.'),
    ('dai_ly_khong_ton_tai', 'row', 'Mã đại lý thu của dòng kết quả không có trong danh sách đại lý thu (dai_ly_thu.csv).'),
    ('ket_qua_khong_hop_le', 'row', 'Mã kết quả không thuộc danh mục: DA_LIEN_HE, HEN_THAM_GIA, TU_CHOI, KHONG_TIM_THAY, CHUYEN_DI, DA_MAT.'),
    ('ngay_khong_hop_le', 'row', 'Thiếu ngày hoặc ngày không có thật ở cột bắt buộc phải có ngày. Sửa ngày theo dạng dd/mm/yyyy.')
ON CONFLICT (code) DO NOTHING;

