-- The types of a staging table's columns in COPY order, for a binary COPY (type oids, as psycopg takes them).
SELECT a.atttypid::int AS type_oid
FROM unnest(%(columns)s::text[]) WITH ORDINALITY AS c (name, position)
JOIN pg_attribute a ON a.attrelid = %(table)s::regclass AND a.attname = c.name AND NOT a.attisdropped
ORDER BY c.position;
