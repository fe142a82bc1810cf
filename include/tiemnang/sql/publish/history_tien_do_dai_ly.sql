-- The agents' figures (CONTRACT §4.8) per agent and commune; identifier: schema.
-- Placeholder so the table exists end to end; the figures follow.
DELETE FROM {{ schema }}.tien_do_dai_ly_lich_su WHERE tuan = %(tuan)s;
