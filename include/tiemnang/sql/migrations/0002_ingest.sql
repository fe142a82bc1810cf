-- Ingestion (issue #3): row digests for the exact-duplicate rule, lookup indexes, and the reason codes
-- with the explanation a commune officer reads next to a quarantined row or file.

-- Digest of every raw cell of a row (CONTRACT §3 "every cell equal"), used within one file only.
ALTER TABLE stg.persons              ADD COLUMN hang_bam bytea;
ALTER TABLE stg.coverage             ADD COLUMN hang_bam bytea;
ALTER TABLE stg.employers            ADD COLUMN hang_bam bytea;
ALTER TABLE stg.enterprises          ADD COLUMN hang_bam bytea;
ALTER TABLE stg.household_businesses ADD COLUMN hang_bam bytea;
ALTER TABLE stg.wage_earners         ADD COLUMN hang_bam bytea;
ALTER TABLE stg.schools              ADD COLUMN hang_bam bytea;
ALTER TABLE stg.students             ADD COLUMN hang_bam bytea;
ALTER TABLE stg.welfare              ADD COLUMN hang_bam bytea;


ALTER TABLE ops.file_log ADD COLUMN encoding text;
COMMENT ON COLUMN ops.file_log.encoding IS 'Bảng mã của tệp CSV (utf-8-sig hoặc cp1258)';
ALTER TABLE ops.file_log ADD CONSTRAINT file_log_status_rows_chk
    CHECK (status = 'loaded' OR (rows_read = 0 AND rows_accepted = 0 AND rows_quarantined = 0));
CREATE INDEX file_log_key_idx ON ops.file_log (source, kind, file_key, delivery_date DESC, file_id DESC);
CREATE INDEX quarantine_path_idx ON ops.quarantine (path, row_number);
CREATE INDEX dq_result_file_idx ON ops.dq_result (file_id);

COMMENT ON COLUMN ops.file_log.path IS 'Đường dẫn tệp, tính từ thư mục nhận dữ liệu';
COMMENT ON COLUMN ops.file_log.status IS 'loaded: đã nạp; unchanged: giống hệt tệp đang dùng, không nạp lại; quarantined: cả tệp bị cách ly';
COMMENT ON COLUMN ops.file_log.rows_read IS 'Số dòng dữ liệu đọc được (= rows_accepted + rows_quarantined)';
COMMENT ON COLUMN ops.quarantine.row_number IS 'Số dòng như người xem thấy (dòng Excel, hoặc thứ tự bản ghi CSV, tiêu đề = 1); trống khi cách ly cả tệp';
COMMENT ON COLUMN ops.quarantine.reasons IS 'Mã lý do, xem ops.reason_code';
COMMENT ON COLUMN ops.quarantine.raw IS 'Nội dung gốc của dòng (theo tiêu đề cột)';

INSERT INTO ops.reason_code (code, scope, mo_ta) VALUES
    -- rows: quarantined, the row cannot stand for a person or unit
    ('thieu_ho_ten', 'row', 'Dòng không có họ và tên nên không xác định được là ai. Bổ sung họ tên rồi gửi lại danh sách.'),
    ('khong_dinh_danh', 'row', 'Dòng không có ngày sinh hợp lệ và cũng không có số định danh cá nhân hay mã số BHXH hợp lệ, nên không phân biệt được với người trùng tên. Bổ sung ngày sinh (ít nhất năm sinh) hoặc số định danh.'),
    ('ma_xa_khong_hop_le', 'row', 'Mã xã/phường không thuộc danh sách 3.321 xã, phường đang có hiệu lực từ 01/7/2025. Kiểm tra lại mã xã theo đơn vị hành chính mới.'),
    ('ma_so_thue_khong_hop_le', 'row', 'Mã số thuế của đơn vị không hợp lệ (phải có 10 chữ số đúng số kiểm tra, hoặc 13 chữ số dạng NNNNNNNNNN-NNN với chi nhánh).'),
    ('doi_tuong_khong_hop_le', 'row', 'Cột "Đối tượng" không thuộc các loại được dùng: HN (hộ nghèo), CN (hộ cận nghèo), NLNDM (hộ nông, lâm, ngư, diêm nghiệp có mức sống trung bình), DTTS (dân tộc thiểu số), HTXH (trợ cấp xã hội), TUAT (trợ cấp tuất hằng tháng).'),
    ('trung_lap', 'row', 'Dòng giống hệt một dòng phía trên trong cùng tệp (mọi ô đều trùng), đã giữ dòng đầu tiên.'),
    ('id_nguoi_khong_hop_le', 'row', 'Mã người trong sổ quản lý (id_nguoi) trống hoặc không phải số nguyên.'),
    ('loai_khong_hop_le', 'row', 'Loại bảo hiểm không phải BHYT, BHXH_BB hoặc BHXH_TN.'),
    ('thieu_ma_don_vi', 'row', 'Dòng đơn vị không có mã đơn vị BHXH.'),
    ('thieu_ma_truong', 'row', 'Dòng trường học không có mã trường.'),
    -- files: the whole file is quarantined and does not replace the earlier file
    ('tep_hong', 'file', 'Không đọc được tệp (tệp rỗng, hỏng, bị cắt dở hoặc không đúng định dạng CSV/Excel). Xuất lại tệp và gửi lại.'),
    ('thieu_cot', 'file', 'Tệp thiếu cột bắt buộc (tên cột ghi trong thông báo) hoặc không tìm thấy dòng tiêu đề. Dùng đúng mẫu danh sách rồi gửi lại.'),
    ('ma_hoa_khong_ro', 'file', 'Không nhận ra bảng mã chữ của tệp (không phải UTF-8 hay Windows-1258, hoặc trộn nhiều bảng mã). Lưu lại tệp với bảng mã UTF-8 rồi gửi lại.'),
    ('ten_tep_khong_hop_le', 'file', 'Tên tệp không đúng quy ước (ví dụ <mã xã>_<tên danh sách>.xlsx, <mã trường>.xlsx) hoặc không phải tệp thường. Đổi tên đúng quy ước rồi gửi lại.'),
    -- warnings: the row is accepted, the field named is not used for matching
    ('so_ddcn_sai_cau_truc', 'warning', 'Số định danh cá nhân sai cấu trúc (phải đủ 12 chữ số, 3 số đầu là mã tỉnh 001–096). Dòng vẫn được nhận nhưng không dùng số này để đối chiếu.'),
    ('so_ddcn_lech_nam_sinh', 'warning', 'Số định danh cá nhân không khớp với năm sinh (chữ số thứ 4–6). Dòng vẫn được nhận nhưng không dùng số này để đối chiếu.'),
    ('so_ddcn_lech_gioi_tinh', 'warning', 'Số định danh cá nhân không khớp với giới tính (chữ số thứ 4). Dòng vẫn được nhận nhưng không dùng số này để đối chiếu.'),
    ('ma_so_bhxh_sai', 'warning', 'Mã số BHXH không đủ 10 chữ số. Dòng vẫn được nhận nhưng không dùng mã này để đối chiếu.'),
    ('ma_the_trong_cot_bhxh', 'warning', 'Cột mã số BHXH ghi mã thẻ BHYT 15 ký tự; đã lấy 10 số cuối làm mã số BHXH.'),
    ('ngay_sinh_khong_hop_le', 'warning', 'Ngày sinh không đọc được (dùng dd/mm/yyyy, mm/yyyy hoặc yyyy). Dòng vẫn được nhận nếu có số định danh.'),
    ('gioi_tinh_khong_hop_le', 'warning', 'Giới tính không phải Nam/Nữ.'),
    ('ngay_khong_hop_le', 'warning', 'Một cột ngày không đọc được; để trống.'),
    ('ky_khong_hop_le', 'warning', 'Kỳ (tháng/năm) không đọc được; để trống.'),
    ('so_khong_hop_le', 'warning', 'Một cột số không đọc được; để trống.'),
    ('gia_tri_khong_hop_le', 'warning', 'Một cột mã có giá trị ngoài danh mục quy định.'),
    ('ma_so_thue_don_vi_sai', 'warning', 'Mã số thuế của đơn vị trả lương không hợp lệ; người lao động vẫn được nhận nhưng chưa gắn được với doanh nghiệp.')
ON CONFLICT (code) DO UPDATE SET scope = EXCLUDED.scope, mo_ta = EXCLUDED.mo_ta;
