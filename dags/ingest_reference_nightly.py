"""
### ingest_reference_nightly — airflow DAG

Owner: BHXH data engineering (tiemnang). Reference lists that decide eligibility (CONTRACT §2.5): today
`xa_atk.csv`, the revolutionary safe-zone communes whose residents get a state-paid health-insurance card
(Decree 75/2023, group XA_ATK). The latest delivery of each file dated ≤ D is in force; a commune code
outside the 3,321 communes in force is quarantined with its row.

Every row read ends accepted (`stg`) or in `ops.quarantine` with its reason codes; `ops.file_log`
has one row per file. Expectation results go to `ops.dq_result`; the staged asset event
carries the counts. Runs at 01:00 Asia/Ho_Chi_Minh; trigger with `{"as_of": "YYYY-MM-DD"}` to load
for another reference date.
"""

from tiemnang.orchestration.ingest import build_ingest_dag

dag = build_ingest_dag("reference", __doc__)
