-- One ingest per source at a time (a second run waits, then finds the files already logged).
SELECT pg_advisory_lock(hashtext('tiemnang.ingest.' || %(source)s));
