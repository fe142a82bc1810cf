-- Delivery integrity and a gate that protects the data (issue #15, parts 1 and 3):
--   * file_log status 'altered': a file changed in place after its delivery was read, reported and never loaded;
--   * a file whose every data row was quarantined is itself quarantined (status 'quarantined' with its row
--     counts), so it never replaces the list it would have replaced;
--   * the register's files are one snapshot: stg.current_files(D) takes them from the latest register delivery
--     none of whose snapshot files was refused;
--   * ops.landing_ignored: what in the landing zone will never be read, with the reason;
--   * ops.gate_decision: what the weekly gate decided for D and why.

ALTER TABLE ops.file_log DROP CONSTRAINT file_log_status_check;
ALTER TABLE ops.file_log ADD CONSTRAINT file_log_status_check
    CHECK (status IN ('loaded', 'quarantined', 'unchanged', 'altered'));
-- rows counted only for files that were read: loaded, or quarantined because no row was usable
ALTER TABLE ops.file_log DROP CONSTRAINT file_log_status_rows_chk;
ALTER TABLE ops.file_log ADD CONSTRAINT file_log_status_rows_chk
    CHECK (status = 'loaded' OR (rows_accepted = 0 AND (status = 'quarantined' OR rows_read = 0)));
COMMENT ON COLUMN ops.file_log.status IS 'loaded: đã nạp; unchanged: giống hệt tệp đang dùng, không nạp lại; quarantined: cả tệp bị cách ly (không thay thế tệp trước); altered: tệp bị sửa sau khi đã nhận, không nạp';

INSERT INTO ops.reason_code (code, scope, mo_ta) VALUES
    ('khong_co_dong_hop_le', 'file', 'Mọi dòng dữ liệu của tệp đều bị cách ly (lý do từng dòng ghi trong danh sách cách ly), nên tệp không thay thế danh sách đã nhận trước đó. Sửa các dòng rồi gửi lại tệp trong một lần giao mới.'),
    ('ban_chup_thu_hep', 'file', 'Bản trích xuất sổ quản lý có số dòng giảm quá ngưỡng so với bản trước (tham số ty_le_toi_thieu_ban_chup), có thể bị cắt dở. Cả lần giao này không được dùng; vẫn dùng bản trích xuất trước. Kiểm tra và trích xuất lại.'),
    ('tep_bi_thay_doi', 'file', 'Tệp đã được nhận trước đó nhưng nội dung bị sửa tại chỗ trong thư mục giao. Tệp đã giao không được sửa: nội dung mới không được nạp. Gửi tệp sửa trong một thư mục giao mới (ngày mới).'),
    ('tep_trung_khoa', 'file', 'Cùng một lần giao có hai tệp cho cùng một danh sách hoặc trường (ví dụ X.csv và X.xlsx, hoặc cùng tên nhưng khác cách gõ dấu, khác chữ hoa/thường ở phần mở rộng); không xác định được tệp nào đúng nên cả hai bị cách ly. Gửi lại một tệp duy nhất trong lần giao mới.'),
    ('thu_muc_khong_hop_le', 'file', 'Thư mục giao không mang tên là một ngày hợp lệ YYYY-MM-DD nên không bao giờ được đọc. Đổi tên thư mục theo ngày giao.'),
    ('tep_ngoai_thu_muc_giao', 'file', 'Tệp nằm ngay trong thư mục nguồn, không thuộc thư mục giao theo ngày nào nên không bao giờ được đọc. Đặt tệp vào thư mục YYYY-MM-DD có tệp _READY.'),
    ('ngoai_thu_muc_goc', 'file', 'Thư mục giao là liên kết trỏ ra ngoài thư mục nhận dữ liệu nên bị từ chối.')
ON CONFLICT (code) DO UPDATE SET scope = EXCLUDED.scope, mo_ta = EXCLUDED.mo_ta;

-- A register snapshot file (persons, coverage, employers) with fewer accepted rows than this share of the file
-- of the snapshot in force before it is refused as a file, and its whole delivery with it.
INSERT INTO ref.tham_so (ten, hieu_luc_tu, gia_tri, ghi_chu) VALUES
    ('ty_le_toi_thieu_ban_chup', '2015-01-01', 0.5,
     'Tỷ lệ tối thiểu số dòng của bản trích xuất sổ quản lý so với bản đang dùng; thấp hơn thì từ chối cả lần giao')
ON CONFLICT (ten, hieu_luc_tu) DO NOTHING;

CREATE TABLE ops.landing_ignored (
    path       text PRIMARY KEY,               -- relative to the landing root
    source     text NOT NULL,
    reason     text NOT NULL REFERENCES ops.reason_code (code),
    message    text,
    first_seen timestamptz NOT NULL DEFAULT now(),
    last_seen  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE ops.landing_ignored IS 'Thư mục và tệp trong vùng nhận dữ liệu sẽ không bao giờ được đọc, với lý do';

CREATE TABLE ops.gate_decision (
    ngay_tham_chieu date NOT NULL,
    decided_at      timestamptz NOT NULL DEFAULT now(),
    decision        text NOT NULL CHECK (decision IN ('open', 'held', 'closed', 'file_refused', 'snapshot_in_force')),
    ma_tinh         text,                      -- a held province; NULL for the whole country
    path            text,
    reason          text NOT NULL,
    message         text
);
CREATE INDEX gate_decision_d_idx ON ops.gate_decision (ngay_tham_chieu);
COMMENT ON TABLE ops.gate_decision IS 'Quyết định của cổng chất lượng cho từng ngày tham chiếu, với lý do';

-- The register delivery whose snapshot is in force on D: the latest one dated on or before D none of whose
-- snapshot files was refused as a file (a delivery that held only a stray or a badly named file counts).
CREATE FUNCTION stg.register_snapshot_date(p_d date) RETURNS date
LANGUAGE sql STABLE AS $$
    SELECT max(f.delivery_date)
    FROM ops.file_log f
    WHERE f.source = 'register' AND f.delivery_date <= p_d AND f.status IN ('loaded', 'unchanged')
      AND NOT EXISTS (SELECT 1 FROM ops.file_log b
                      WHERE b.source = 'register' AND b.delivery_date = f.delivery_date
                        AND b.status = 'quarantined' AND b.kind <> 'unknown')
$$;

-- The files in force on day D: for each (source, kind, file_key), the latest loaded file delivered on or
-- before D; for the register, on or before the date of the snapshot in force. A quarantined, unchanged or
-- altered file never replaces the file before it.
CREATE OR REPLACE FUNCTION stg.current_files(p_d date)
RETURNS TABLE (file_id bigint, source text, kind text, file_key text, path text, delivery_date date)
LANGUAGE sql STABLE AS $$
    SELECT DISTINCT ON (f.source, f.kind, f.file_key)
           f.file_id, f.source, f.kind, f.file_key, f.path, f.delivery_date
    FROM ops.file_log f
    WHERE f.status = 'loaded' AND f.delivery_date <= p_d AND f.kind <> 'school_directory'
      AND (f.source <> 'register' OR f.delivery_date <= stg.register_snapshot_date(p_d))
    ORDER BY f.source, f.kind, f.file_key, f.delivery_date DESC, f.file_id DESC
$$;
