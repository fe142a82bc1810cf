-- Serialise publications of one province (transaction-scoped advisory lock).
SELECT pg_advisory_xact_lock(hashtext('tiemnang.publish.' || %(ma_tinh)s));
