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
    """The provinces held back by hard failures on files in force; raise when nothing may be published.

    A failure on a file that concerns every province (the register, the tax authority's files) stops the whole
    publication; one on a commune's welfare list or a school's roster holds back that province only, and
    the others publish (`summarize` then fails the run, naming it). Every failure is named (suite, file,
    expectation).
    """
    with db.connect(conninfo) as conn:
        failures = db.fetch(conn, "gate/open_hard_failures", {"d": d})
    national = [f for f in failures if f[5] is None]
    held: dict[str, list[str]] = {}
    for failure in failures:
        if failure[5] is not None:
            held.setdefault(failure[5], []).append(_describe(failure))
    if national or not provinces_to_publish({"held": held}):
        lines = "; ".join(_describe(f) for f in failures)
        raise QualityGateClosed(f"publication for {d} stopped by {len(failures)} hard data-quality failure(s): {lines}")
    for ma_tinh, lines in sorted(held.items()):
        log.warning("quality gate: province %s held back for %s by %d hard failure(s): %s",
                    ma_tinh, d, len(lines), "; ".join(lines))
    if not failures:
        log.info("quality gate open for %s: no hard failures on the files in force", d)
    return {"hard_failures": len(failures), "held": {k: held[k] for k in sorted(held)}}


def _describe(failure: tuple) -> str:
    suite, path, expectation, unexpected, message, _ma_tinh = failure
    return f"{suite}: {path}: {expectation} ({unexpected} rows) {message}".strip()


def provinces_to_publish(gate: dict) -> list[str]:
    """Every province but the ones the gate holds back, in code order."""
    from tiemnang.reference import geography

    return sorted(set(geography.provinces()) - set(gate.get("held", {})))


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


def summarize(published: list[dict], exported: list[dict], gate: dict | None = None) -> dict:
    """Totals across provinces for the asset event and the log; fails when the gate held provinces back.

    Raised after the other provinces have published, so the run shows red in the UI and the deadline alert
    fires while those provinces have their lists.
    """
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
    held = (gate or {}).get("held") or {}
    if held:
        lines = "; ".join(f"{ma_tinh}: {'; '.join(reasons)}" for ma_tinh, reasons in held.items())
        raise QualityGateClosed(f"{len(published)} provinces published; {len(held)} held back by hard"
                                f" data-quality failures, they keep last week's lists: {lines}")
    return figures
