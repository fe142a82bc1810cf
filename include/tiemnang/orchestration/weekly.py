"""The weekly publication's own steps: the quality gate, lists of D built from complete current data, the figures."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from airflow.exceptions import AirflowFailException

from tiemnang import db
from tiemnang.lists.build import FilesInForce, files_in_force
from tiemnang.sources import registry

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


class SourcesIncomplete(AirflowFailException):
    """A source the lists need has nothing in force on D: nothing is built or published for D.

    Fails at once: only a delivery (and its ingest) can fill the gap, not a retry.
    """


# What a build for D needs in force (sources/registry.py): the register's full snapshot (persons with at least
# one row), and at least one file of every other source but the optional ones. An empty or missing register is
# never a list.
REQUIRED_KINDS = registry.required_kinds()


def missing_sources(files: FilesInForce) -> list[str]:
    """What a build from `files` lacks, one phrase each; empty when the build may go ahead."""
    by_source = files.by_source()
    missing = []
    for source, kinds in REQUIRED_KINDS.items():
        found = by_source.get(source)
        if not found:
            missing.append(f"{source}: no file in force (never delivered or never ingested)")
            continue
        missing += [f"{source}: no {kind} file in force" for kind in kinds if kind not in found["rows"]]
    if by_source.get("register", {}).get("rows", {}).get("persons") == 0:
        missing.append("register: the persons file in force has no accepted row")
    return missing


@contextmanager
def sources_locked(conn) -> Iterator[None]:
    """Hold the ingest lock of every source: waits for an ingest running now, and holds new ones off.

    The loader takes the same session lock for the whole of a source's load (sql/ingest/lock_source.sql), so
    a build never reads a half-loaded night, and a file loaded during the build cannot make it stale unseen.
    """
    for source in sorted(registry.NAMES):
        log.info("waiting for the ingest lock of %s (held while that source is loading)", source)
        db.fetch(conn, "ingest/lock_source", {"source": source})
    conn.commit()
    try:
        yield
    finally:
        conn.rollback()
        for source in sorted(registry.NAMES):
            db.fetch(conn, "ingest/unlock_source", {"source": source})
        conn.commit()


def ensure_lists_built(conninfo: str, d: date) -> dict:
    """The lists for D, built from the files in force on D now: built when missing or stale, else kept.

    Stale means the files in force on D differ from those the recorded build read (a late or corrected
    delivery dated ≤ D): so re-running the publication for D always publishes D's current answer. Raises
    SourcesIncomplete, building nothing, when a source the lists need has nothing in force on D.
    """
    from tiemnang.lists import build_lists
    from tiemnang.matching import run_matching

    with db.connect(conninfo) as conn, sources_locked(conn):
        files = files_in_force(conn, d)
        missing = missing_sources(files)
        if missing:
            raise SourcesIncomplete(f"lists for {d} not built, nothing published: {'; '.join(missing)}. "
                                    "Deliver the missing source (dated ≤ D), let its ingest run, then re-run for D.")
        built = db.fetch(conn, "build/built", {"d": d})
        sources = files.by_source()
        if built and built[0][0] == files.file_ids:
            log.info("lists for %s already built at %s from the %d files in force", d, built[0][1], len(files.rows))
            return {"built_now": False, "files": len(files.rows), "sources": sources}
        reason = "stale: the files in force changed since the last build" if built else "not built yet"
        log.info("lists for %s %s: matching and building from %d files in force", d, reason, len(files.rows))
        matched = run_matching(conn, d)
        counts = build_lists(conn, d)
    return {"built_now": True, "reason": reason, "files": len(files.rows), "sources": sources, **matched, **counts}


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


def ingests_pending(conninfo: str, d: date) -> list[str]:
    """The sources with no finished ingest run covering D (ops.ingest_run for a date ≥ D), one phrase each."""
    with db.connect(conninfo) as conn:
        done = db.fetch(conn, "build/ingests_done", {"sources": sorted(registry.NAMES)})
    return [f"{source} (latest finished ingest: {latest or 'never'})" for source, latest in done
            if latest is None or latest < d]


def record_ingest(conninfo: str, source: str, d: date, files_loaded: int) -> None:
    """Note that the ingest of `source` for D has finished (loaded and validated)."""
    with db.connect(conninfo) as conn:
        db.run(conn, "build/record_ingest", {"source": source, "d": d, "files_loaded": files_loaded})


def ensure_dates_built(conninfo: str, dates: list[date]) -> dict:
    """ensure_lists_built for each date every source has finished ingesting; the others are left, named."""
    if not dates:
        log.warning("no reference date in the triggering events or params: nothing built")
    built, waiting = {}, {}
    for d in dates:
        pending = ingests_pending(conninfo, d)
        if pending:
            log.warning("lists for %s not built: ingest not finished for %s", d, "; ".join(pending))
            waiting[d.isoformat()] = pending
            continue
        figures = ensure_lists_built(conninfo, d)
        built[d.isoformat()] = {k: v for k, v in figures.items() if k != "sources"}
    return {"as_of": max(built) if built else None, "built": built, "waiting": waiting}


class IngestsNotFinished(AirflowFailException):
    """The ingests covering D did not finish within the publication's wait: nothing is published."""


def await_ingests(conninfo: str, d: date, started, wait) -> bool:
    """One look of `wait_for_ingests`: True once every source's ingest covering D has finished; raises
    IngestsNotFinished, naming the sources, once `wait` has passed since `started` (the run's start)."""
    import pendulum

    pending = ingests_pending(conninfo, d)
    if not pending:
        return True
    waited = pendulum.now("UTC") - pendulum.instance(started)
    if waited > wait:
        raise IngestsNotFinished(f"publication for {d} not started: after {waited} the ingests covering D have not "
                                 f"finished for {'; '.join(pending)}. Nothing was published; provinces keep last "
                                 "week's lists. Run or fix those ingests, then re-run the publication for D.")
    log.info("publication for %s waits for the ingests of: %s", d, "; ".join(pending))
    return False
