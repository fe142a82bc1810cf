INSERT INTO ops.gate_decision (ngay_tham_chieu, decision, ma_tinh, path, reason, message)
VALUES (%(d)s, %(decision)s, %(ma_tinh)s, %(path)s, %(reason)s, %(message)s);
