-- What the last warehouse preparation installed (reference data, province schemas): a fingerprint lets
-- every DAG run's prepare_warehouse skip the work when nothing changed since.
CREATE TABLE IF NOT EXISTS ops.warehouse_state (
    khoa       text PRIMARY KEY,
    gia_tri    text NOT NULL,
    cap_nhat   timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE ops.warehouse_state IS 'Dấu vân tay của lần chuẩn bị kho dữ liệu gần nhất (dữ liệu danh mục, lược đồ tỉnh)';
