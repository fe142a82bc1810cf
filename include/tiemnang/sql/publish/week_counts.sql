-- Rows published for the week in each history table; identifier: schema.
SELECT (SELECT count(*) FROM {{ schema }}.tiem_nang_lich_su WHERE tuan = %(tuan)s),
       (SELECT count(*) FROM {{ schema }}.don_vi_tiem_nang_lich_su WHERE tuan = %(tuan)s),
       (SELECT count(*) FROM {{ schema }}.den_han_dong_lich_su WHERE tuan = %(tuan)s),
       (SELECT count(*) FROM {{ schema }}.tong_hop_lich_su WHERE tuan = %(tuan)s);
