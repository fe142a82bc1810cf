-- One province's published schema: the four contract tables, their _lich_su twins, comments and the
-- reader role. Idempotent; identifiers: schema, reader.
CREATE SCHEMA IF NOT EXISTS {{ schema }};
REVOKE ALL ON SCHEMA {{ schema }} FROM PUBLIC;

CREATE TABLE IF NOT EXISTS {{ schema }}.tiem_nang_lich_su (
    tuan            text NOT NULL,
    ngay_tham_chieu date NOT NULL,
    so_ddcn         text,
    ma_so_bhxh      text,
    ho_ten          text,
    ngay_sinh       text,
    gioi_tinh       smallint,
    ma_xa           text NOT NULL,
    ten_xa          text,
    nhom            text NOT NULL,
    ly_do           text[] NOT NULL,
    nguon           jsonb NOT NULL,
    id_nguoi        bigint,
    khoa_nguoi      text NOT NULL
);
CREATE TABLE IF NOT EXISTS {{ schema }}.don_vi_tiem_nang_lich_su (
    tuan             text NOT NULL,
    ngay_tham_chieu  date NOT NULL,
    ma_so_thue       text NOT NULL,
    ten_doanh_nghiep text,
    loai_hinh        text,
    ma_xa            text NOT NULL,
    ten_xa           text,
    loai             text NOT NULL,
    so_lao_dong_thue integer,
    so_lao_dong_bhxh integer
);
CREATE TABLE IF NOT EXISTS {{ schema }}.den_han_dong_lich_su (
    tuan            text NOT NULL,
    ngay_tham_chieu date NOT NULL,
    id_nguoi        bigint NOT NULL,
    so_ddcn         text,
    ma_so_bhxh      text,
    ho_ten          text,
    ngay_sinh       text,
    gioi_tinh       smallint,
    ma_xa           text,
    ten_xa          text,
    ma_ho           text,
    loai            text NOT NULL,
    han_dong        date NOT NULL,
    phuong_thuc     smallint,
    so_tien         bigint
);
CREATE TABLE IF NOT EXISTS {{ schema }}.tong_hop_lich_su (
    tuan            text NOT NULL,
    ngay_tham_chieu date NOT NULL,
    ma_xa           text NOT NULL,
    ten_xa          text,
    nhom            text NOT NULL,
    so_nguoi        integer NOT NULL,
    so_moi          integer NOT NULL,
    so_da_tham_gia  integer NOT NULL
);
CREATE INDEX IF NOT EXISTS tiem_nang_lich_su_tuan_idx ON {{ schema }}.tiem_nang_lich_su (tuan);
CREATE INDEX IF NOT EXISTS don_vi_tiem_nang_lich_su_tuan_idx ON {{ schema }}.don_vi_tiem_nang_lich_su (tuan);
CREATE INDEX IF NOT EXISTS den_han_dong_lich_su_tuan_idx ON {{ schema }}.den_han_dong_lich_su (tuan);
CREATE INDEX IF NOT EXISTS tong_hop_lich_su_tuan_idx ON {{ schema }}.tong_hop_lich_su (tuan);

CREATE TABLE IF NOT EXISTS {{ schema }}.tiem_nang (LIKE {{ schema }}.tiem_nang_lich_su INCLUDING ALL);
CREATE TABLE IF NOT EXISTS {{ schema }}.don_vi_tiem_nang (LIKE {{ schema }}.don_vi_tiem_nang_lich_su INCLUDING ALL);
CREATE TABLE IF NOT EXISTS {{ schema }}.den_han_dong (LIKE {{ schema }}.den_han_dong_lich_su INCLUDING ALL);
CREATE TABLE IF NOT EXISTS {{ schema }}.tong_hop (LIKE {{ schema }}.tong_hop_lich_su INCLUDING ALL);

GRANT USAGE ON SCHEMA {{ schema }} TO {{ reader }};
GRANT SELECT ON ALL TABLES IN SCHEMA {{ schema }} TO {{ reader }};
