INSERT INTO ops.dq_result (run_id, suite, file_id, path, expectation, column_name, success, severity,
                           unexpected_count, element_count, details, engine)
VALUES (%(run_id)s, %(suite)s, %(file_id)s, %(path)s, %(expectation)s, %(column_name)s, %(success)s, %(severity)s,
        %(unexpected_count)s, %(element_count)s, %(details)s, %(engine)s);
