"""The weekly publication's own steps: the quality gate, lists present for D, the run's figures."""

from __future__ import annotations

import logging
from datetime import date

from airflow.exceptions import AirflowFailException

from tiemnang import db

log = logging.getLogger(__name__)


class QualityGateClosed(AirflowFailException):
    """Evidence that a national input is not what it claims to be: provinces keep last week's lists.

    Fails the task at once: retrying cannot open the gate, only a re-delivery can.
    """


def check_quality_gate(conninfo: str, d: date) -> dict:
    """The gate of the week of D: what is published, from which register snapshot, and why; every decision is
    recorded in ops.gate_decision.

    Quarantined rows and files never close it: a file that had to be refused (cut short, shrunk beyond the dated
    threshold, no usable row, changed in place, a key conflict) is simply not in force and the earlier file
    stays. It closes only when no register snapshot is in force on D (nothing to compute the lists from) or a
    hard expectation fails on a national file in force; a hard failure on a commune's list or a school's roster
    in force holds back that province (`summarize` then fails the run, naming it).
    """
    with db.connect(conninfo) as conn:
        failures = db.fetch(conn, "gate/open_hard_failures", {"d": d})
        in_force, latest, refused_register = db.fetch(conn, "gate/register_snapshot", {"d": d})[0]
        refused_files = db.fetch(conn, "gate/refused_files", {"d": d})
        figures = dict(zip(_WEEK_FIGURES, db.fetch(conn, "gate/week_figures", {"d": d})[0], strict=True))
        national = [_describe(f) for f in failures if f[5] is None]
        held: dict[str, list[str]] = {}
        for failure in failures:
            if failure[5] is not None:
                held.setdefault(failure[5], []).append(_describe(failure))
        decisions = [("file_refused", None, path, reason, message) for path, _status, reason, message in refused_files]
        alerts: list[str] = []
        if in_force is None:
            national.append("no register snapshot in force: " + (
                f"every register delivery up to {d} was refused ({refused_register})" if latest
                else f"no register delivery dated on or before {d}"))
        elif latest is not None and latest > in_force:
            alerts.append(f"register delivery of {latest} refused ({refused_register}); the week of {d} is computed"
                          f" from the register snapshot of {in_force}, which stays in force")
        if in_force is not None:
            decisions.append(("snapshot_in_force", None, f"register/{in_force.isoformat()}",
                              "ban_chup_truoc" if alerts else "ban_chup_moi_nhat", alerts[0] if alerts else None))
        decisions += [("held", ma_tinh, None, "kiem_tra_cung", "; ".join(lines)) for ma_tinh, lines in held.items()]
        closed = bool(national) or not provinces_to_publish({"held": held})
        if closed:
            decisions.append(("closed", None, None, "dau_vao_quoc_gia", "; ".join(national + sum(held.values(), []))))
        else:
            decisions.append(("open", None, None, "mo", f"{figures['rows_quarantined']} rows and"
                              f" {figures['files_quarantined']} files quarantined this week, none holds a province"))
        with conn.transaction():
            db.run(conn, "gate/clear_decisions", {"d": d})
            for decision, ma_tinh, path, reason, message in decisions:
                db.run(conn, "gate/record_decision", {"d": d, "decision": decision, "ma_tinh": ma_tinh,
                                                      "path": path, "reason": reason, "message": message})
    if closed:
        lines = "; ".join(national + sum(held.values(), []))
        raise QualityGateClosed(f"publication for {d} stopped: {lines}")
    for alert in alerts:
        log.warning("TIEMNANG ALERT as_of=%s: %s", d, alert)
    for ma_tinh, lines in sorted(held.items()):
        log.warning("quality gate: province %s held back for %s by %d hard failure(s): %s",
                    ma_tinh, d, len(lines), "; ".join(lines))
    log.info("quality gate open for %s: %s", d, figures)
    return {"hard_failures": len(failures), "held": {k: held[k] for k in sorted(held)},
            "register_snapshot": in_force.isoformat(), "alerts": alerts, **figures}


_WEEK_FIGURES = ("rows_read", "rows_accepted", "rows_quarantined", "files_quarantined", "files_altered",
                 "landing_entries_ignored")


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
    """Totals across provinces and the week's quarantine figures and alerts, for the asset event and the log;
    fails when the gate held provinces back.

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
    gate = gate or {}
    figures.update({key: gate[key] for key in ("register_snapshot", *_WEEK_FIGURES) if key in gate})
    figures["alerts"] = list(gate.get("alerts") or [])
    log.info("published %(provinces_published)d provinces: %(rows_tiem_nang)d potential participants, "
             "%(rows_don_vi_tiem_nang)d enterprises, %(rows_den_han_dong)d due to pay, %(workbooks)d workbooks",
             figures)
    log.info("this week's deliveries: %s rows quarantined, %s files quarantined as files, %s changed in place"
             " (none holds a province back)", figures.get("rows_quarantined"), figures.get("files_quarantined"),
             figures.get("files_altered"))
    for alert in figures["alerts"]:
        log.warning("TIEMNANG ALERT: %s", alert)
    held = gate.get("held") or {}
    if held:
        lines = "; ".join(f"{ma_tinh}: {'; '.join(reasons)}" for ma_tinh, reasons in held.items())
        raise QualityGateClosed(f"{len(published)} provinces published; {len(held)} held back by hard"
                                f" data-quality failures, they keep last week's lists: {lines}")
    return figures
