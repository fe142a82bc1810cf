-- No value crashes anything, and what an officer made is read (issue #15, parts 2 and 4): the reason codes of
-- values that do not fit their column, invisible characters, formulas saved without a value; clearer texts for
-- the codes whose meaning grew (bounded readers, unclosed quotes, TCVN3/VNI text, names without a letter).

INSERT INTO ops.reason_code (code, scope, mo_ta) VALUES
    ('ho_ten_qua_dai', 'row', 'Họ và tên dài quá 100 ký tự nên không thể là họ tên của một người (thường do dán nhầm cả đoạn văn bản vào ô). Sửa lại họ tên rồi gửi lại danh sách.'),
    ('ngay_sinh_ngoai_khoang', 'warning', 'Ngày sinh trước năm 1900 hoặc sau ngày gửi tệp nên không thể đúng; để trống. Dòng vẫn được nhận nếu có số định danh hoặc mã số BHXH hợp lệ.'),
    ('so_vuot_gioi_han', 'warning', 'Một cột số có giá trị quá lớn (vượt giới hạn lưu trữ của cột, hoặc số tiền từ một triệu tỷ đồng trở lên); để trống. Kiểm tra lại số đã nhập.'),
    ('van_ban_qua_dai', 'warning', 'Một ô chữ (mã, địa chỉ, tên đơn vị, ghi chú…) dài quá 500 ký tự; để trống. Kiểm tra lại nội dung ô.'),
    ('ky_tu_an', 'warning', 'Dòng có ký tự ẩn hoặc ký tự điều khiển (ký tự rỗng, ký tự không độ rộng, dấu ngắt mềm…); đã bỏ các ký tự này, phần chữ còn lại vẫn được dùng.'),
    ('cong_thuc_chua_tinh', 'warning', 'Ô có công thức nhưng tệp được lưu mà chưa tính giá trị (thường do phần mềm tạo ra); ô được coi là trống. Mở tệp bằng Excel, lưu lại rồi gửi lại.'),
    ('id_nguoi_khong_hop_le', 'row', 'Mã người trong sổ quản lý (id_nguoi) trống, không phải số nguyên hoặc quá lớn (tối đa 19 chữ số).'),
    ('thieu_ho_ten', 'row', 'Dòng không có họ và tên (ô trống, hoặc chỉ có ký tự ẩn, chữ số, dấu câu) nên không xác định được là ai. Bổ sung họ tên rồi gửi lại danh sách.'),
    ('tep_hong', 'file', 'Không đọc được tệp (tệp rỗng, hỏng, bị cắt dở, không đúng định dạng CSV/Excel; có dấu ngoặc kép không đóng làm dính nhiều dòng vào một ô; hoặc vượt giới hạn: dòng dài quá 1.048.576 ký tự, trang tính khai báo hoặc chứa quá 2 triệu ô, tệp Excel giải nén quá 128 MB). Thông báo ghi rõ lỗi; xuất lại tệp và gửi lại.'),
    ('ma_hoa_khong_ro', 'file', 'Không nhận ra bảng mã chữ của tệp (không phải UTF-8 hay Windows-1258, trộn nhiều bảng mã, hoặc chữ gõ bằng bảng mã cũ TCVN3/ABC hay VNI với phông .VnTime/VNI-Times). Chuyển sang Unicode và lưu với bảng mã UTF-8 rồi gửi lại.')
ON CONFLICT (code) DO UPDATE SET scope = EXCLUDED.scope, mo_ta = EXCLUDED.mo_ta;
