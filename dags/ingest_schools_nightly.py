"""
### ingest_schools_nightly — airflow DAG

Owner: BHXH data engineering (tiemnang). School enrolment rosters and the education department's school directory: each school's latest roster dated ≤ D is in force.

Every row read ends accepted (`stg`) or in `ops.quarantine` with its reason codes; `ops.file_log`
has one row per file. Great Expectations results go to `ops.dq_result`; the staged asset event
carries the counts. Runs at 01:00 Asia/Ho_Chi_Minh; trigger with `{"as_of": "YYYY-MM-DD"}` to load
for another reference date.
"""

from tiemnang.orchestration.ingest import build_ingest_dag

dag = build_ingest_dag("schools", __doc__)
