-- Make the week the current one: DELETE + INSERT of the four tables from history in the publishing
-- transaction, so readers keep seeing the previous week until commit (no TRUNCATE: it would break MVCC
-- snapshots of concurrent readers). Identifier: schema.
DELETE FROM {{ schema }}.tiem_nang;
INSERT INTO {{ schema }}.tiem_nang SELECT * FROM {{ schema }}.tiem_nang_lich_su WHERE tuan = %(tuan)s;
DELETE FROM {{ schema }}.don_vi_tiem_nang;
INSERT INTO {{ schema }}.don_vi_tiem_nang SELECT * FROM {{ schema }}.don_vi_tiem_nang_lich_su WHERE tuan = %(tuan)s;
DELETE FROM {{ schema }}.den_han_dong;
INSERT INTO {{ schema }}.den_han_dong SELECT * FROM {{ schema }}.den_han_dong_lich_su WHERE tuan = %(tuan)s;
DELETE FROM {{ schema }}.tong_hop;
INSERT INTO {{ schema }}.tong_hop SELECT * FROM {{ schema }}.tong_hop_lich_su WHERE tuan = %(tuan)s;
