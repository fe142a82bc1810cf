-- Progress against targets (CONTRACT §4.8) per commune and nhom; identifier: schema.
-- Placeholder so the table exists end to end; the figures follow.
DELETE FROM {{ schema }}.tien_do_lich_su WHERE tuan = %(tuan)s;
