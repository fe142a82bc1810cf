"""What the DAG files share: assets, defaults, the reference date of a run, failure alerts."""
