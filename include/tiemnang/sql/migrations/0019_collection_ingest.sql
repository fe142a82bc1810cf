-- Ingestion of the collection/ source (issue #17, CONTRACT §2.6): the reason codes its rows need besides those
-- of revision 2, the hamlet key both the agent lists and the list rules compare hamlets by, and the look-up a
-- re-delivered result file is recognised by.

-- Row reasons of the agent lists and the targets. so_tien_khong_hop_le is for amounts of money; a target is a
-- count of people, a year is a year.
INSERT INTO ops.reason_code (code, scope, mo_ta) VALUES
    ('thieu_ma_dai_ly', 'row', 'Dòng đại lý thu không có mã đại lý (ma_dai_ly). Bổ sung mã đại lý rồi gửi lại danh sách đại lý thu.'),
    ('nam_khong_hop_le', 'row', 'Năm của chỉ tiêu không phải là một năm (số nguyên từ 2000 đến 2100). Sửa cột nam rồi gửi lại tệp chỉ tiêu.'),
    ('chi_tieu_khong_hop_le', 'row', 'Chỉ tiêu trống, âm hoặc không phải là số nguyên (số người tham gia mới, viết liền không có dấu chấm, dấu phẩy). Sửa cột chi_tieu rồi gửi lại tệp chỉ tiêu.')
ON CONFLICT (code) DO NOTHING;

-- Codes whose text named only their first use.
UPDATE ops.reason_code SET mo_ta =
    'Ngày không đọc được hoặc không có thật (ví dụ 31/02/2026). Ở cột bắt buộc phải có ngày — ngày gặp (cột Ngày) '
    'của tệp kết quả, từ ngày của đại lý thu, đến ngày không trước từ ngày — dòng bị cách ly: sửa ngày (dd/mm/yyyy '
    'trong tệp kết quả, YYYY-MM-DD trong danh sách đại lý thu) rồi gửi lại. Ở cột khác, ô được để trống và dòng vẫn '
    'được nhận kèm cảnh báo.'
WHERE code = 'ngay_khong_hop_le';
UPDATE ops.reason_code SET mo_ta =
    'Mã đại lý thu của dòng kết quả để trống, hoặc không có trong danh sách đại lý thu (dai_ly_thu.csv) nào đã gửi '
    'đến ngày gửi tệp kết quả. Kiểm tra mã đại lý, hoặc gửi danh sách đại lý thu có đại lý này rồi gửi lại tệp kết quả.'
WHERE code = 'dai_ly_khong_ton_tai';
UPDATE ops.reason_code SET mo_ta =
    'Đối tượng hoặc nhóm không thuộc danh mục. Danh sách chính sách: cột "Đối tượng" phải là HN (hộ nghèo), CN (hộ '
    'cận nghèo), NLNDM (hộ nông, lâm, ngư, diêm nghiệp có mức sống trung bình), DTTS (dân tộc thiểu số), HTXH (trợ '
    'cấp xã hội), TUAT (trợ cấp tuất hằng tháng). Tệp chỉ tiêu: cột nhom phải là một mã nhóm tiềm năng (BB_NLD, '
    'BB_CHU_HKD, NSNN_DONG, HO_TRO_CAN_NGHEO, HO_TRO_DTTS, HO_TRO_HSSV, HO_TRO_NLNDM, DUNG_BHXH_TN, DUNG_BHYT_GD, '
    'THANH_VIEN_HO, DUNG_BHXH_BB, HET_HAN_BHYT, CAO_TUOI, XA_ATK).'
WHERE code = 'doi_tuong_khong_hop_le';

-- A hamlet as CONTRACT §4.7 compares it, ignoring case, diacritics and spacing: lower case without diacritics
-- (đ → d), letters and digits only, NULL when nothing is left. Digits are kept: "Thôn 1" and "Thôn 2" are two
-- hamlets (mt.khong_dau keeps letters only, so it would make them one). The agent lists' thon_khoa is this of
-- their thon (sql/ingest/fill_thon_khoa.sql); a source record's hamlet is compared by the same function.
-- Letters spelt out rather than a range or a class, whose meaning may follow the database's locale (0008).
CREATE FUNCTION stg.khoa_thon(p text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT nullif(regexp_replace(
               translate(regexp_replace(normalize(p, NFKD), '[\u0300-\u036f]', '', 'g'),
                         'ABCDEFGHIJKLMNOPQRSTUVWXYZĐđ', 'abcdefghijklmnopqrstuvwxyzdd'),
               '[^abcdefghijklmnopqrstuvwxyz0123456789]+', '', 'g'), '')
$$;
COMMENT ON FUNCTION stg.khoa_thon(text) IS
    'Khoá so sánh thôn/tổ dân phố: chữ thường không dấu và chữ số, bỏ khoảng trắng và dấu câu; NULL khi trống';

-- A result file is "unchanged" when a result file delivered before holds the same content
-- (sql/ingest/file_state.sql): looked up by content, for every result file every night.
CREATE INDEX file_log_content_idx ON ops.file_log (source, kind, sha256) WHERE status = 'loaded';
