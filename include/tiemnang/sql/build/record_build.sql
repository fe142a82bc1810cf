-- Record that a stage (matching: mt, lists: lists) was built for D, with its counts; idempotent.
INSERT INTO {{ schema }}.build (ngay_tham_chieu, counts) VALUES (%(d)s, %(counts)s)
ON CONFLICT (ngay_tham_chieu) DO UPDATE SET built_at = now(), counts = EXCLUDED.counts;
