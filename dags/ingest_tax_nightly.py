"""
### ingest_tax_nightly — airflow DAG

Owner: BHXH data engineering (tiemnang). Tax-authority data (enterprises, household businesses, wage earners from PIT returns): each ready delivery dated ≤ D is loaded; the latest of each file is in force.

Every row read ends accepted (`stg`) or in `ops.quarantine` with its reason codes; `ops.file_log`
has one row per file. Great Expectations results go to `ops.dq_result`; the staged asset event
carries the counts. Runs at 01:00 Asia/Ho_Chi_Minh; trigger with `{"as_of": "YYYY-MM-DD"}` to load
for another reference date.
"""

from tiemnang.orchestration.ingest import build_ingest_dag

dag = build_ingest_dag("tax", __doc__)
