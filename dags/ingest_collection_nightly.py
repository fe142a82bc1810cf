"""
### ingest_collection_nightly — airflow DAG

Owner: BHXH data engineering (tiemnang). What the collection side sends (CONTRACT §2.6): the collection agents
and the areas they serve (`dai_ly_thu.csv`), the yearly targets per commune and group (`chi_tieu.csv`) — the
latest delivery of each dated ≤ D is in force — and the agents' field results, every file under `ket_qua/` of a
delivery (`.xlsx` or `.csv`, any name, the filled-in agent workbooks among them), which accumulate: every result
file ever delivered stays in force. A result row whose agent is in no agent list delivered by then is quarantined
(`dai_ly_khong_ton_tai`); a workbook line with neither `Kết quả` nor `Ngày` filled in is no visit and not read.
The source is optional: the lists are built without it, and none of its checks holds a province back.

Every row read ends accepted (`stg`) or in `ops.quarantine` with its reason codes; `ops.file_log`
has one row per file. Expectation results go to `ops.dq_result`; the staged asset event
carries the counts. Runs at 01:00 Asia/Ho_Chi_Minh; trigger with `{"as_of": "YYYY-MM-DD"}` to load
for another reference date.
"""

from tiemnang.orchestration.ingest import build_ingest_dag

dag = build_ingest_dag("collection", __doc__)
