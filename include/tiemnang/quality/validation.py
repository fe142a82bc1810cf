"""Run one suite per file kind on the files just loaded and store every result in ops.dq_result with its engine:
Great Expectations (quality/gx_engine.py), or the SQL fallback (quality/sql_checks.py) for SQL_SUITES."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from tiemnang import db
from tiemnang.quality import gx_engine, sql_checks
from tiemnang.quality.suites import FILE_SUITE, SUITES, Spec
from tiemnang.sources.layouts import LAYOUTS

log = logging.getLogger(__name__)

# Suites checked by one aggregate SQL scan instead of GX, by the kind's name ("tep": the file facts); their
# results are stored with engine = 'sql'. Only where GX is measured too slow at national size (docs/design.md,
# "Data quality"): the register's persons, ~3× the SQL's time at 200k persons (~17 s against ~7 s at 1M), more
# than loading the file takes. Every other kind, and the file facts, go through GX.
SQL_SUITES: frozenset[str] = frozenset({"persons"})

# Expectations whose verdict on a union of files splits exactly by file: row-level checks (unexpected rows
# carry their file_id) and column existence (every file of a kind lands in the same staging table).
_SPLITTABLE = {"ExpectColumnToExist", "ExpectColumnValuesToNotBeNull", "ExpectColumnValuesToMatchRegex",
               "ExpectColumnValuesToBeInSet", "ExpectColumnValuesToBeBetween", "ExpectColumnPairValuesAToBeGreaterThanB"}


def validate(conninfo: str, source: str, file_ids: Iterable[int]) -> dict[str, Any]:
    """Validate the loaded files among `file_ids`; returns counts and the hard failures (file path + check)."""
    ids = sorted({int(i) for i in file_ids})
    run_id = uuid.uuid4().hex
    out: dict[str, Any] = {"run_id": run_id, "files": 0, "evaluated": 0, "passed": 0, "failed": 0,
                           "hard_failed": 0, "hard_failures": [], "engine_great_expectations": 0, "engine_sql": 0}
    if not ids:
        return out
    with db.connect(conninfo, autocommit=True) as conn:
        facts = [f for f in db.fetch(conn, "ingest/dq_file_facts", {"file_ids": ids}) if f[4] == "loaded"]
        if not facts:
            return out
        # the commune lookup per row inflates the aggregates' estimates past JIT's thresholds: ~0.3 s compiling
        # for 40k household businesses, nothing gained on millions of wage-earner rows
        conn.execute("SET jit = off")
        _validate_files(conn, conninfo, source, facts, run_id, out)
    log.info("validate %s: %s", source, {k: v for k, v in out.items() if k != "hard_failures"})
    for failure in out["hard_failures"]:
        log.warning("validate %s: hard failure %s", source, failure)
    return out


def _validate_files(conn: psycopg.Connection, conninfo: str, source: str, facts: list[tuple], run_id: str,
                    out: dict) -> None:
    """Per kind (and for the file facts): SQL_SUITES by one aggregate query; the others, all together, by one
    GX Checkpoint run with one batch per kind (per file for a suite with a cross-row check); stored per file.

    GX costs ~0.2 s per batch whatever the rows, and school/welfare deliveries hold hundreds of small files.
    """
    kinds: dict[str, list[tuple]] = {}
    for fact in facts:
        if fact[1] != source:
            raise ValueError(f"file {fact[0]} belongs to {fact[1]}, not {source}")
        kinds.setdefault(fact[2], []).append(fact)
    out["files"] += len(facts)
    paths = {f[0]: f[3] for f in facts}
    checked: list[tuple[str, str, dict[int, list[tuple[Spec, Any]]]]] = []   # (suite, engine, per file)
    batches: list[gx_engine.Batch] = []
    plans = [(kind, SUITES[kind], [f[0] for f in group], lambda ids, kind=kind: _rows_query(conn, kind, ids))
             for kind, group in kinds.items()]
    plans.append(("tep", FILE_SUITE, sorted(paths), lambda ids: _facts_query(conn, ids)))
    for kind, specs, ids, query_of in plans:
        _plan(conn, f"{source}.{kind}", kind, specs, ids, query_of, checked, batches)
    for batch, per_file in zip(batches, gx_engine.run_checkpoint(conn, conninfo, batches, run_id), strict=True):
        checked.append((batch.suite, "great_expectations", per_file))
    pending: list[dict] = []
    for suite, engine, per_file in checked:
        for file_id, results in per_file.items():
            for result in results:
                _store(pending, run_id, suite, engine, file_id, paths[file_id], result, out)
    with conn.transaction(), conn.cursor() as cur:
        cur.executemany(db.render(conn, "ingest/dq_store_result"), pending)


def _plan(conn: psycopg.Connection, suite: str, kind: str, specs: list[Spec], ids: list[int],
          query_of: Callable[[list[int]], str], checked: list, batches: list[gx_engine.Batch]) -> None:
    """Check `ids` in SQL now (a SQL_SUITES kind the fallback can express), or queue their GX batches."""
    if kind in SQL_SUITES:
        per_file = sql_checks.run(conn, query_of(ids), specs, ids)
        if per_file is not None:
            checked.append((suite, "sql", per_file))
            return
    if len(ids) == 1 or all(spec[0] in _SPLITTABLE for spec in specs):
        batches.append(gx_engine.Batch(suite, query_of(ids), specs, ids))
    else:
        batches.extend(gx_engine.Batch(suite, query_of([i]), specs, [i]) for i in ids)


def _rows_query(conn: psycopg.Connection, kind: str, file_ids: list[int]) -> str:
    layout = LAYOUTS[kind]
    extra = []
    if "so_ddcn_tin_cay" in layout.stg_columns:
        extra.append(sql.SQL("CASE WHEN so_ddcn_tin_cay THEN so_ddcn END AS so_ddcn_dung"))
    if "ma_so_bhxh_tin_cay" in layout.stg_columns:
        extra.append(sql.SQL("CASE WHEN ma_so_bhxh_tin_cay THEN ma_so_bhxh END AS ma_so_bhxh_dung"))
    if "ma_xa" in layout.stg_columns:
        extra.append(sql.SQL("EXISTS (SELECT 1 FROM ref.commune c WHERE c.ma_xa = s.ma_xa) AS ma_xa_trong_danh_muc"))
    query = sql.SQL("SELECT s.*{} FROM stg.{} s WHERE s.file_id {}").format(
        sql.SQL("").join(sql.SQL(", ") + e for e in extra),
        sql.Identifier(layout.table),
        sql.SQL("= {}").format(sql.Literal(file_ids[0])) if len(file_ids) == 1
        else sql.SQL("IN ({})").format(sql.SQL(", ").join(map(sql.Literal, file_ids))),
    )
    return query.as_string(conn)


def _facts_query(conn: psycopg.Connection, file_ids: list[int]) -> str:
    lines = db.render(conn, "ingest/dq_file_facts").splitlines()
    text = "\n".join(line for line in lines if not line.lstrip().startswith("--")).strip().rstrip(";")
    with psycopg.ClientCursor(conn) as cur:
        return cur.mogrify(text, {"file_ids": file_ids})


def _store(pending: list[dict], run_id: str, suite: str, engine: str, file_id: int, path: str, item,
           out: dict[str, Any]) -> None:
    (type_name, kwargs, severity), result = item
    config = result.expectation_config
    res = result.result or {}
    column = kwargs.get("column") or ",".join(str(kwargs[k]) for k in ("column_A", "column_B") if k in kwargs)
    error = (result.exception_info or {}).get("exception_message") if not result.success else None
    details = {"observed_value": _plain(res.get("observed_value")), "unexpected_percent": res.get("unexpected_percent")}
    if error:
        details["error"] = str(error)[:500]
    pending.append({
        "run_id": run_id, "suite": suite, "file_id": file_id, "path": path, "expectation": config.type,
        "column_name": column or None, "success": bool(result.success), "severity": severity,
        "unexpected_count": res.get("unexpected_count"), "element_count": res.get("element_count"),
        "details": Jsonb(details), "engine": engine,
    })
    out["evaluated"] += 1
    out[f"engine_{engine}"] += 1
    if result.success:
        out["passed"] += 1
        return
    out["failed"] += 1
    if severity == "hard":
        out["hard_failed"] += 1
        out["hard_failures"].append(f"{path}: {config.type}({column}) failed"
                                    f" (unexpected {res.get('unexpected_count')} of {res.get('element_count')})")


def _plain(value: Any) -> Any:
    """Observed values as JSON: numbers and short text only (never row values lists)."""
    if isinstance(value, bool | int | float | str) or value is None:
        return value if not isinstance(value, str) else value[:200]
    return str(value)[:200]
