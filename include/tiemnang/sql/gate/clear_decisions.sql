-- The gate's decisions for D are replaced by each run of the gate for D (a retry does not duplicate them).
DELETE FROM ops.gate_decision WHERE ngay_tham_chieu = %(d)s;
