-- Great Expectations validates a view over the rows just loaded rather than a query asset: GX runs a query
-- asset once as it stands to learn its columns, and the driver buffers the whole result (≈900 MiB for a
-- 2-million-row coverage file); a view's columns come from the catalogue. Views here live for one validation.
CREATE SCHEMA IF NOT EXISTS dq;
