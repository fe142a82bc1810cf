"""
### ingest_register_nightly — airflow DAG

Owner: BHXH data engineering (tiemnang). Nightly extract of the insured register (persons, coverage spells, employers): the latest ready snapshot dated ≤ D is loaded into `stg` and validated.

Every row read ends accepted (`stg`) or in `ops.quarantine` with its reason codes; `ops.file_log`
has one row per file. Great Expectations results go to `ops.dq_result`; the staged asset event
carries the counts. Runs at 01:00 Asia/Ho_Chi_Minh; trigger with `{"as_of": "YYYY-MM-DD"}` to load
for another reference date.
"""

from tiemnang.orchestration.ingest import build_ingest_dag

dag = build_ingest_dag("register", __doc__)
