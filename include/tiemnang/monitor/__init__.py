"""The pipeline's monitoring page in the Airflow UI (served by plugins/tiemnang_monitor.py)."""
