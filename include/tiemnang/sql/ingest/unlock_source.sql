SELECT pg_advisory_unlock(hashtext('tiemnang.ingest.' || %(source)s));
