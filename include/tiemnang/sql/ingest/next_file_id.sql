-- The id a file will be logged under, taken before its load starts in a worker process (delivery order).
SELECT nextval(pg_get_serial_sequence('ops.file_log', 'file_id'));
