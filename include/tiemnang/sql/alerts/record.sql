-- One alert (parameters: loai, dag_id, task_id, run_id, d, message).
INSERT INTO ops.alert (loai, dag_id, task_id, run_id, ngay_tham_chieu, thong_diep)
VALUES (%(loai)s, %(dag_id)s, %(task_id)s, %(run_id)s, %(d)s, %(message)s);
