-- Issue #21: what a lists build was made from, which ingests have finished for which D, and the alerts
-- the pipeline raised. A build records the files in force on its D; a publication rebuilds D when the
-- files in force differ from those recorded (a late delivery), and refuses D when a source is missing.

-- The files in force on D that the build read (stg.current_files(D) and the school directory files
-- dated ≤ D), sorted, and per source how many and the latest delivery date among them.
ALTER TABLE lists.build ADD COLUMN tep_dung bigint[];
ALTER TABLE lists.build ADD COLUMN nguon jsonb;
COMMENT ON COLUMN lists.build.tep_dung IS 'Mã các tệp (ops.file_log.file_id) đang có hiệu lực vào ngày tham chiếu mà lần lập danh sách này đã dùng';
COMMENT ON COLUMN lists.build.nguon IS 'Theo từng nguồn: số tệp đã dùng và ngày giao gần nhất trong số đó';

-- One row per finished ingest run of a source for a reference date (the DAG's last task writes it): a
-- publication for D waits until every source has one for a date ≥ D.
CREATE TABLE ops.ingest_run (
    source          text NOT NULL,
    ngay_tham_chieu date NOT NULL,
    xong_luc        timestamptz NOT NULL DEFAULT now(),
    so_tep_nap      integer NOT NULL DEFAULT 0,
    PRIMARY KEY (source, ngay_tham_chieu)
);
COMMENT ON TABLE ops.ingest_run IS 'Lần nạp dữ liệu đã xong của mỗi nguồn cho mỗi ngày tham chiếu';

-- Failures, retries and missed deadlines, as the notifier (tiemnang.orchestration.alerts) records them.
CREATE TABLE ops.alert (
    alert_id        bigserial PRIMARY KEY,
    luc             timestamptz NOT NULL DEFAULT now(),
    loai            text NOT NULL CHECK (loai IN ('failure', 'retry', 'deadline')),
    dag_id          text,
    task_id         text,
    run_id          text,
    ngay_tham_chieu date,
    thong_diep      text NOT NULL
);
CREATE INDEX alert_luc_idx ON ops.alert (luc DESC);
COMMENT ON TABLE ops.alert IS 'Cảnh báo của hệ thống: tác vụ lỗi, thử lại, công bố trễ hạn 16:00 thứ Sáu';
