"""Airflow plugin: the publication calendar's timetable, registered so the scheduler can deserialize the DAG."""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from tiemnang.orchestration.cadence import PublicationTimetable


class TiemnangCadencePlugin(AirflowPlugin):
    name = "tiemnang_cadence"
    timetables = [PublicationTimetable]
