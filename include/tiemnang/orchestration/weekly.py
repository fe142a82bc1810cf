"""The weekly publication's own steps: the quality gate, lists present for D, the run's figures."""

from __future__ import annotations

import logging
from datetime import date

from airflow.exceptions import AirflowFailException

from tiemnang import db

log = logging.getLogger(__name__)


class QualityGateClosed(AirflowFailException):
    """A hard data-quality failure on a file in force: provinces keep last week's lists.

    Fails the task at once: retrying cannot open the gate, only a re-delivery can.
    """


def check_quality_gate(conninfo: str, d: date) -> dict:
    """Raise with every open hard failure named (suite, file, expectation) so the publication stops."""
    with db.connect(conninfo) as conn:
        failures = db.fetch(conn, "gate/open_hard_failures", {"d": d})
    if failures:
        lines = "; ".join(f"{suite}: {path}: {exp} ({n} rows) {msg}".strip() for suite, path, exp, n, msg in failures)
        raise QualityGateClosed(f"publication for {d} stopped by {len(failures)} hard data-quality failure(s): {lines}")
    log.info("quality gate open for %s: no hard failures on the files in force", d)
    return {"hard_failures": 0}


def ensure_lists_built(conninfo: str, d: date) -> dict:
    """The lists for D, built now if the nightly build has not run for D (e.g. a backfill of an old week)."""
    from tiemnang.lists import build_lists
    from tiemnang.matching import run_matching

    with db.connect(conninfo) as conn:
        built = conn.execute("SELECT counts FROM lists.build WHERE ngay_tham_chieu = %s", (d,)).fetchone()
        if built:
            log.info("lists for %s already built", d)
            return {"built_now": False}
        log.info("lists for %s not built yet: matching and building now", d)
        matched = run_matching(conn, d)
        counts = build_lists(conn, d)
    return {"built_now": True, **matched, **counts}


def summarize(published: list[dict], exported: list[dict]) -> dict:
    """Totals across provinces for the asset event and the log."""
    figures = {
        "provinces_published": len(published),
        "rows_tiem_nang": sum(p.get("tiem_nang", 0) for p in published),
        "rows_don_vi_tiem_nang": sum(p.get("don_vi_tiem_nang", 0) for p in published),
        "rows_den_han_dong": sum(p.get("den_han_dong", 0) for p in published),
        "workbooks": sum(e.get("workbooks", 0) for e in exported),
    }
    log.info("published %(provinces_published)d provinces: %(rows_tiem_nang)d potential participants, "
             "%(rows_don_vi_tiem_nang)d enterprises, %(rows_den_han_dong)d due to pay, %(workbooks)d workbooks",
             figures)
    return figures
