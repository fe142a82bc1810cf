-- What in the landing zone will never be read (a folder not named by a date, a file at a source's level, …):
-- one row per path, its reason, when it was first and last seen.
INSERT INTO ops.landing_ignored (path, source, reason, message)
VALUES (%(path)s, %(source)s, %(reason)s, %(message)s)
ON CONFLICT (path) DO UPDATE SET reason = EXCLUDED.reason, message = EXCLUDED.message, last_seen = now();
