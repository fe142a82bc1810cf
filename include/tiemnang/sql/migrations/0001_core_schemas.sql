-- Core schemas of the warehouse:
--   ops  operations (file log, quarantine, data-quality results, publications)
--   ref  reference data (provinces, communes, dated parameters)
--   stg  accepted source records, one table per file kind, every row tied to its file and row number
--   mt   matching work tables (rebuilt by each build)
--   lists  the lists built for a reference date, before publication
CREATE SCHEMA IF NOT EXISTS ops;
CREATE SCHEMA IF NOT EXISTS ref;
CREATE SCHEMA IF NOT EXISTS stg;
CREATE SCHEMA IF NOT EXISTS mt;
CREATE SCHEMA IF NOT EXISTS lists;

REVOKE ALL ON SCHEMA public FROM PUBLIC;

-- ---------------------------------------------------------------- ops
CREATE TABLE ops.reason_code (
    code   text PRIMARY KEY,
    scope  text NOT NULL CHECK (scope IN ('row', 'file', 'warning')),
    mo_ta  text NOT NULL
);
COMMENT ON TABLE ops.reason_code IS 'Mã lý do cách ly / cảnh báo và giải thích tiếng Việt';

CREATE TABLE ops.file_log (
    file_id          bigserial PRIMARY KEY,
    source           text NOT NULL CHECK (source IN ('register', 'tax', 'schools', 'welfare')),
    path             text NOT NULL,              -- relative to the landing root
    delivery_date    date NOT NULL,              -- the delivery folder's date
    kind             text NOT NULL,              -- persons, coverage, employers, enterprises, household_businesses,
                                                 -- wage_earners, school_directory, roster, welfare, unknown
    file_key         text NOT NULL,              -- what a later delivery of this key replaces
    sha256           text NOT NULL,
    size_bytes       bigint,
    status           text NOT NULL CHECK (status IN ('loaded', 'quarantined', 'unchanged')),
    rows_read        bigint NOT NULL DEFAULT 0,
    rows_accepted    bigint NOT NULL DEFAULT 0,
    rows_quarantined bigint NOT NULL DEFAULT 0,
    rows_warned      bigint NOT NULL DEFAULT 0,
    message          text,
    loaded_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (path, sha256),
    CHECK (rows_read = rows_accepted + rows_quarantined)
);
CREATE INDEX file_log_current_idx ON ops.file_log (source, kind, file_key, delivery_date DESC, file_id DESC)
    WHERE status = 'loaded';
COMMENT ON TABLE ops.file_log IS 'Nhật ký tệp: mỗi tệp của mỗi lần giao đã sẵn sàng một dòng';

CREATE TABLE ops.quarantine (
    quarantine_id bigserial PRIMARY KEY,
    file_id       bigint NOT NULL REFERENCES ops.file_log (file_id) ON DELETE CASCADE,
    source        text NOT NULL,
    path          text NOT NULL,
    row_number    bigint,                        -- empty for a whole-file entry
    reasons       text[] NOT NULL,
    raw           jsonb,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quarantine_file_idx ON ops.quarantine (file_id);
COMMENT ON TABLE ops.quarantine IS 'Dòng và tệp bị cách ly cùng mã lý do';

CREATE TABLE ops.dq_result (
    dq_id            bigserial PRIMARY KEY,
    run_id           text,
    suite            text NOT NULL,
    file_id          bigint REFERENCES ops.file_log (file_id) ON DELETE CASCADE,
    path             text,
    expectation      text NOT NULL,
    column_name      text,
    success          boolean NOT NULL,
    severity         text NOT NULL CHECK (severity IN ('hard', 'soft')),
    unexpected_count bigint,
    element_count    bigint,
    details          jsonb,
    checked_at       timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE ops.dq_result IS 'Kết quả kiểm tra chất lượng dữ liệu (Great Expectations)';

CREATE TABLE ops.publication (
    ma_tinh         text NOT NULL,
    tuan            text NOT NULL,
    ngay_tham_chieu date NOT NULL,
    published_at    timestamptz NOT NULL DEFAULT now(),
    so_tiem_nang    bigint NOT NULL,
    so_don_vi       bigint NOT NULL,
    so_den_han      bigint NOT NULL,
    PRIMARY KEY (ma_tinh, tuan)
);
COMMENT ON TABLE ops.publication IS 'Các tuần đã công bố cho từng tỉnh';

CREATE TABLE ops.unplaced (
    ngay_tham_chieu date NOT NULL,
    person_id       bigint NOT NULL,
    nhom            text NOT NULL,
    ho_ten          text,
    so_ddcn         text,
    nguon           jsonb NOT NULL,
    PRIMARY KEY (ngay_tham_chieu, person_id)
);
COMMENT ON TABLE ops.unplaced IS 'Người tiềm năng không xác định được xã (giữ lại, không bỏ)';

-- ---------------------------------------------------------------- ref
CREATE TABLE ref.province (
    ma_tinh  text PRIMARY KEY CHECK (ma_tinh ~ '^[0-9]{2}$'),
    ten_tinh text NOT NULL
);
CREATE TABLE ref.commune (
    ma_xa   text PRIMARY KEY CHECK (ma_xa ~ '^[0-9]{5}$'),
    ten_xa  text NOT NULL,
    ma_tinh text NOT NULL REFERENCES ref.province (ma_tinh)
);
CREATE INDEX commune_tinh_idx ON ref.commune (ma_tinh);

-- Dated parameters (CONTRACT §4.3): the value in force on day X is the row with the greatest hieu_luc_tu <= X.
CREATE TABLE ref.tham_so (
    ten         text NOT NULL,
    hieu_luc_tu date NOT NULL,
    gia_tri     numeric NOT NULL,
    ghi_chu     text,
    PRIMARY KEY (ten, hieu_luc_tu)
);
COMMENT ON TABLE ref.tham_so IS 'Tham số có ngày hiệu lực (lương cơ sở, chuẩn nghèo, tỷ lệ đóng, mức hỗ trợ)';

CREATE FUNCTION ref.tham_so_tai(p_ten text, p_ngay date) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT gia_tri FROM ref.tham_so
    WHERE ten = p_ten AND hieu_luc_tu <= p_ngay
    ORDER BY hieu_luc_tu DESC LIMIT 1
$$;

INSERT INTO ref.tham_so (ten, hieu_luc_tu, gia_tri, ghi_chu) VALUES
    ('luong_co_so',            '2024-07-01', 2340000, 'Lương cơ sở (Nghị định 73/2024/NĐ-CP)'),
    ('luong_co_so',            '2026-07-01', 2530000, 'Lương cơ sở từ 01/07/2026'),
    ('chuan_ngheo_nong_thon',  '2022-01-01', 1500000, 'Chuẩn nghèo khu vực nông thôn'),
    ('ty_le_bhyt',             '2015-01-01', 0.045,   'Tỷ lệ đóng BHYT hộ gia đình'),
    ('he_so_ho_1',             '2015-01-01', 1.00,    'Người thứ nhất trong hộ'),
    ('he_so_ho_2',             '2015-01-01', 0.70,    'Người thứ hai trong hộ'),
    ('he_so_ho_3',             '2015-01-01', 0.60,    'Người thứ ba trong hộ'),
    ('he_so_ho_4',             '2015-01-01', 0.50,    'Người thứ tư trong hộ'),
    ('he_so_ho_5',             '2015-01-01', 0.40,    'Người thứ năm trở đi trong hộ'),
    ('ty_le_bhxh_tn',          '2018-01-01', 0.22,    'Tỷ lệ đóng BHXH tự nguyện'),
    ('ho_tro_tn_ho_ngheo',     '2018-01-01', 0.50,    'Mức hỗ trợ BHXH tự nguyện: hộ nghèo'),
    ('ho_tro_tn_can_ngheo',    '2018-01-01', 0.40,    'Mức hỗ trợ BHXH tự nguyện: hộ cận nghèo'),
    ('ho_tro_tn_dtts',         '2018-01-01', 0.30,    'Mức hỗ trợ BHXH tự nguyện: dân tộc thiểu số'),
    ('ho_tro_tn_khac',         '2018-01-01', 0.20,    'Mức hỗ trợ BHXH tự nguyện: đối tượng khác'),
    ('so_ngay_den_han',        '2015-01-01', 30,      'Số ngày tới hạn đóng tính từ ngày tham chiếu'),
    ('so_tuan_luu_lich_su',    '2015-01-01', 26,      'Số tuần giữ lại trong bảng lịch sử');

-- ---------------------------------------------------------------- stg
-- Person-like columns shared by every source that names people:
--   ngay_sinh      birth date as known: YYYY-MM-DD, YYYY-MM or YYYY (never invented)
--   ngay_sinh_dau  first day of that period (for ages and blocking)
--   *_tin_cay      the identifier passed its checks and may be used for matching
--   canh_bao       warning codes of an accepted row
CREATE TABLE stg.persons (
    file_id bigint NOT NULL, dong bigint NOT NULL,
    id_nguoi bigint NOT NULL,
    ma_so_bhxh text, ma_so_bhxh_tin_cay boolean NOT NULL DEFAULT false,
    so_ddcn text, so_ddcn_tin_cay boolean NOT NULL DEFAULT false,
    ho_ten text, ngay_sinh text, ngay_sinh_dau date, gioi_tinh smallint,
    ma_xa text, ma_ho text,
    canh_bao text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (file_id, dong)
);
CREATE TABLE stg.coverage (
    file_id bigint NOT NULL, dong bigint NOT NULL,
    id_nguoi bigint NOT NULL,
    loai text NOT NULL,
    ma_doi_tuong text, ma_don_vi text,
    tu_ngay date, den_ngay date,
    phuong_thuc smallint, muc_thu_nhap numeric, thu_tu_trong_ho smallint,
    canh_bao text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (file_id, dong)
);
CREATE TABLE stg.employers (
    file_id bigint NOT NULL, dong bigint NOT NULL,
    ma_don_vi text NOT NULL, ma_so_thue text, ten_don_vi text, ma_xa text,
    canh_bao text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (file_id, dong)
);
CREATE TABLE stg.enterprises (
    file_id bigint NOT NULL, dong bigint NOT NULL,
    ma_so_thue text NOT NULL,                    -- canonical: 10 digits, or NNNNNNNNNN-NNN for a branch
    ten_doanh_nghiep text, loai_hinh text, ma_xa text, dia_chi text,
    ngay_thanh_lap date, trang_thai text, so_lao_dong integer, ky text,
    canh_bao text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (file_id, dong)
);
CREATE TABLE stg.household_businesses (
    file_id bigint NOT NULL, dong bigint NOT NULL,
    ma_so_thue text,
    ho_ten text, so_ddcn text, so_ddcn_tin_cay boolean NOT NULL DEFAULT false,
    ngay_sinh text, ngay_sinh_dau date, gioi_tinh smallint,
    ma_xa text, dia_chi_kinh_doanh text, nganh_nghe text, doanh_thu_nam numeric, phuong_phap text,
    canh_bao text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (file_id, dong)
);
CREATE TABLE stg.wage_earners (
    file_id bigint NOT NULL, dong bigint NOT NULL,
    ma_so_thue_don_vi text,
    so_ddcn text, so_ddcn_tin_cay boolean NOT NULL DEFAULT false,
    ho_ten text, ngay_sinh text, ngay_sinh_dau date,
    ky text, thu_nhap numeric, loai_hop_dong text,
    canh_bao text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (file_id, dong)
);
CREATE TABLE stg.schools (
    file_id bigint NOT NULL, dong bigint NOT NULL,
    ma_truong text NOT NULL, ten_truong text, cap_hoc text, ma_xa text,
    canh_bao text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (file_id, dong)
);
CREATE TABLE stg.students (
    file_id bigint NOT NULL, dong bigint NOT NULL,
    ma_truong text NOT NULL,
    ho_ten text, ngay_sinh text, ngay_sinh_dau date, gioi_tinh smallint,
    so_ddcn text, so_ddcn_tin_cay boolean NOT NULL DEFAULT false,
    ma_so_bhxh text, ma_so_bhxh_tin_cay boolean NOT NULL DEFAULT false,
    lop text, khoi text, ghi_chu text,
    canh_bao text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (file_id, dong)
);
CREATE TABLE stg.welfare (
    file_id bigint NOT NULL, dong bigint NOT NULL,
    ma_xa text NOT NULL,                         -- from the file name
    ho_ten text, ngay_sinh text, ngay_sinh_dau date, gioi_tinh smallint,
    so_ddcn text, so_ddcn_tin_cay boolean NOT NULL DEFAULT false,
    ma_so_bhxh text, ma_so_bhxh_tin_cay boolean NOT NULL DEFAULT false,
    ma_ho text, quan_he text, doi_tuong text NOT NULL, thon text, ghi_chu text,
    canh_bao text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (file_id, dong)
);

-- ---------------------------------------------------------------- current state as of D (CONTRACT §2)
-- The files in force on day D: for each (source, kind, file_key), the latest loaded file delivered on or
-- before D. A quarantined or unchanged re-delivery never replaces the file before it.
CREATE FUNCTION stg.current_files(p_d date)
RETURNS TABLE (file_id bigint, source text, kind text, file_key text, path text, delivery_date date)
LANGUAGE sql STABLE AS $$
    SELECT DISTINCT ON (f.source, f.kind, f.file_key)
           f.file_id, f.source, f.kind, f.file_key, f.path, f.delivery_date
    FROM ops.file_log f
    WHERE f.status = 'loaded' AND f.delivery_date <= p_d AND f.kind <> 'school_directory'
    ORDER BY f.source, f.kind, f.file_key, f.delivery_date DESC, f.file_id DESC
$$;

-- The school directory as of D: rows of later directory files replace earlier rows of the same school.
CREATE FUNCTION stg.current_schools(p_d date)
RETURNS TABLE (ma_truong text, ten_truong text, cap_hoc text, ma_xa text, file_id bigint, dong bigint)
LANGUAGE sql STABLE AS $$
    SELECT DISTINCT ON (s.ma_truong) s.ma_truong, s.ten_truong, s.cap_hoc, s.ma_xa, s.file_id, s.dong
    FROM stg.schools s
    JOIN ops.file_log f USING (file_id)
    WHERE f.status = 'loaded' AND f.delivery_date <= p_d
    ORDER BY s.ma_truong, f.delivery_date DESC, f.file_id DESC, s.dong DESC
$$;

-- ---------------------------------------------------------------- mt: matching output for one reference date
-- Contract between matching and the list rules (docs/design.md). Matching may add columns and tables of
-- its own; these columns keep their meaning.
CREATE TABLE mt.record (
    rec_id        bigint PRIMARY KEY,
    nguon         text NOT NULL CHECK (nguon IN ('register', 'schools', 'welfare', 'wage_earners', 'household_businesses')),
    file_id       bigint NOT NULL,
    dong          bigint NOT NULL,
    id_nguoi      bigint,                        -- register records only
    so_ddcn       text,                          -- trusted identifiers only
    ma_so_bhxh    text,
    ho_ten        text,
    ngay_sinh     text,
    ngay_sinh_dau date,
    gioi_tinh     smallint,
    ma_xa         text,                          -- the place the record gives (residence, school, list, business)
    UNIQUE (nguon, file_id, dong)
);
CREATE TABLE mt.record_person (
    rec_id     bigint PRIMARY KEY,
    person_id  bigint NOT NULL,
    quy_tac    text NOT NULL,                    -- the rule or model that placed the record
    diem       numeric,                          -- match score where a score decided
    bang_chung jsonb                             -- the evidence that agreed
);
CREATE INDEX record_person_person_idx ON mt.record_person (person_id);
CREATE TABLE mt.person (
    person_id  bigint PRIMARY KEY,
    id_nguoi   bigint,                           -- the register person of the cluster (lowest if several)
    so_ddcn    text,
    ma_so_bhxh text,
    ho_ten     text,
    ngay_sinh  text,
    gioi_tinh  smallint,
    khoa_nguoi text NOT NULL                     -- stable across weeks
);
CREATE TABLE mt.build (
    ngay_tham_chieu date PRIMARY KEY,
    built_at        timestamptz NOT NULL DEFAULT now(),
    counts          jsonb
);

-- ---------------------------------------------------------------- lists: built for a reference date
CREATE TABLE lists.tiem_nang (
    ngay_tham_chieu date NOT NULL,
    person_id       bigint NOT NULL,
    khoa_nguoi      text NOT NULL,
    id_nguoi        bigint,
    so_ddcn         text,
    ma_so_bhxh      text,
    ho_ten          text,
    ngay_sinh       text,
    gioi_tinh       smallint,
    ma_xa           text NOT NULL,
    ma_tinh         text NOT NULL,
    nhom            text NOT NULL,
    ly_do           text[] NOT NULL,
    nguon           jsonb NOT NULL,
    PRIMARY KEY (ngay_tham_chieu, person_id)
);
CREATE INDEX tiem_nang_tinh_idx ON lists.tiem_nang (ngay_tham_chieu, ma_tinh);
CREATE TABLE lists.don_vi_tiem_nang (
    ngay_tham_chieu  date NOT NULL,
    ma_so_thue       text NOT NULL,
    ten_doanh_nghiep text,
    loai_hinh        text,
    ma_xa            text NOT NULL,
    ma_tinh          text NOT NULL,
    loai             text NOT NULL CHECK (loai IN ('CHUA_DANG_KY', 'DONG_THIEU')),
    so_lao_dong_thue integer,
    so_lao_dong_bhxh integer,
    PRIMARY KEY (ngay_tham_chieu, ma_so_thue)
);
CREATE TABLE lists.den_han_dong (
    ngay_tham_chieu date NOT NULL,
    id_nguoi        bigint NOT NULL,
    so_ddcn         text,
    ma_so_bhxh      text,
    ho_ten          text,
    ngay_sinh       text,
    gioi_tinh       smallint,
    ma_xa           text,
    ma_tinh         text,
    ma_ho           text,
    loai            text NOT NULL CHECK (loai IN ('BHYT_GD', 'BHXH_TN')),
    han_dong        date NOT NULL,
    phuong_thuc     smallint,
    so_tien         bigint,
    PRIMARY KEY (ngay_tham_chieu, id_nguoi, loai)
);
CREATE TABLE lists.build (
    ngay_tham_chieu date PRIMARY KEY,
    built_at        timestamptz NOT NULL DEFAULT now(),
    counts          jsonb
);
