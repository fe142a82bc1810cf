"""Airflow plugin: the pipeline's monitoring page (weekly lists, quarantine, data quality, publication) in the UI."""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from tiemnang.monitor.app import URL_PREFIX, app


class TiemnangMonitorPlugin(AirflowPlugin):
    name = "tiemnang_monitor"
    fastapi_apps = [{"app": app, "url_prefix": URL_PREFIX, "name": "Tiềm năng BHXH, BHYT"}]
    external_views = [
        {
            "name": "Tiềm năng BHXH, BHYT",
            # Relative (no leading slash) so it follows the api-server's base_url behind a proxy.
            "href": URL_PREFIX.lstrip("/") + "/",
            "url_route": "tiemnang",
            "destination": "nav",
            "category": "browse",
        }
    ]
