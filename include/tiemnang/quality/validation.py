"""Run one suite per file kind on the files just loaded, in SQL (GX query assets), and store every result."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from tiemnang import db
from tiemnang.quality.suites import FILE_SUITE, SUITES, Spec
from tiemnang.sources.layouts import LAYOUTS

log = logging.getLogger(__name__)


def validate(conninfo: str, source: str, file_ids: Iterable[int]) -> dict[str, Any]:
    """Validate the loaded files among `file_ids`; returns counts and the hard failures (file path + check)."""
    ids = sorted({int(i) for i in file_ids})
    run_id = uuid.uuid4().hex
    out: dict[str, Any] = {"run_id": run_id, "files": 0, "evaluated": 0, "passed": 0, "failed": 0,
                           "hard_failed": 0, "hard_failures": []}
    if not ids:
        return out
    with db.connect(conninfo, autocommit=True) as conn:
        facts = [f for f in db.fetch(conn, "ingest/dq_file_facts", {"file_ids": ids}) if f[4] == "loaded"]
        if not facts:
            return out
        context, datasource = _gx(conninfo)
        try:
            _validate_files(conn, context, datasource, source, facts, run_id, out)
        finally:
            datasource.get_engine().dispose()
    log.info("validate %s: %s", source, {k: v for k, v in out.items() if k != "hard_failures"})
    for failure in out["hard_failures"]:
        log.warning("validate %s: hard failure %s", source, failure)
    return out


def _validate_files(conn, context, datasource, source: str, facts: list[tuple], run_id: str, out: dict) -> None:
    for file_id, file_source, kind, path, *_ in facts:
        if file_source != source:
            raise ValueError(f"file {file_id} belongs to {file_source}, not {source}")
        out["files"] += 1
        checks = [
            (f"{source}.{kind}", _rows_query(conn, kind, file_id), SUITES[kind]),
            (f"{source}.tep", _facts_query(conn, file_id), FILE_SUITE),
        ]
        with conn.transaction():
            for suite_name, query, specs in checks:
                for result in _run(context, datasource, f"{suite_name}.{file_id}", query, specs):
                    _store(conn, run_id, suite_name, file_id, path, result, out)


def _gx(conninfo: str):
    import great_expectations as gx
    from sqlalchemy.engine import URL

    params = psycopg.conninfo.conninfo_to_dict(conninfo)
    url = URL.create(
        "postgresql+psycopg2", username=params.get("user"), password=params.get("password"),
        host=params.get("host"), port=int(params["port"]) if params.get("port") else None,
        database=params.get("dbname"),
    )
    context = gx.get_context(mode="ephemeral")
    try:
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context.variables.progress_bars = ProgressBarsConfig(globally=False)
    except ImportError:  # progress bars are cosmetic
        pass
    datasource = context.data_sources.add_postgres(
        f"warehouse_{uuid.uuid4().hex[:8]}", connection_string=url.render_as_string(hide_password=False)
    )
    return context, datasource


def _rows_query(conn: psycopg.Connection, kind: str, file_id: int) -> str:
    layout = LAYOUTS[kind]
    extra = []
    if "so_ddcn_tin_cay" in layout.stg_columns:
        extra.append(sql.SQL("CASE WHEN so_ddcn_tin_cay THEN so_ddcn END AS so_ddcn_dung"))
    if "ma_so_bhxh_tin_cay" in layout.stg_columns:
        extra.append(sql.SQL("CASE WHEN ma_so_bhxh_tin_cay THEN ma_so_bhxh END AS ma_so_bhxh_dung"))
    if "ma_xa" in layout.stg_columns:
        extra.append(sql.SQL("EXISTS (SELECT 1 FROM ref.commune c WHERE c.ma_xa = s.ma_xa) AS ma_xa_trong_danh_muc"))
    query = sql.SQL("SELECT s.*{} FROM stg.{} s WHERE s.file_id = {}").format(
        sql.SQL("").join(sql.SQL(", ") + e for e in extra),
        sql.Identifier(layout.table),
        sql.Literal(file_id),
    )
    return query.as_string(conn)


def _facts_query(conn: psycopg.Connection, file_id: int) -> str:
    lines = db.render(conn, "ingest/dq_file_facts").splitlines()
    text = "\n".join(line for line in lines if not line.lstrip().startswith("--")).strip().rstrip(";")
    with psycopg.ClientCursor(conn) as cur:
        return cur.mogrify(text, {"file_ids": [file_id]})


def _run(context, datasource, name: str, query: str, specs: list[Spec]) -> list[tuple[Spec, Any]]:
    import great_expectations as gx
    import great_expectations.expectations as gxe

    asset = datasource.add_query_asset(name, query=query)
    batch = asset.add_batch_definition_whole_table("whole").get_batch()
    suite = gx.ExpectationSuite(name=name)
    for type_name, kwargs, _severity in specs:
        suite.add_expectation(getattr(gxe, type_name)(**kwargs))
    result = batch.validate(suite)
    return list(zip(specs, result.results, strict=True))


def _store(conn, run_id: str, suite: str, file_id: int, path: str, item, out: dict[str, Any]) -> None:
    (type_name, kwargs, severity), result = item
    config = result.expectation_config
    res = result.result or {}
    column = kwargs.get("column") or ",".join(str(kwargs[k]) for k in ("column_A", "column_B") if k in kwargs)
    error = (result.exception_info or {}).get("exception_message") if not result.success else None
    details = {"observed_value": _plain(res.get("observed_value")), "unexpected_percent": res.get("unexpected_percent")}
    if error:
        details["error"] = str(error)[:500]
    db.run(conn, "ingest/dq_store_result", {
        "run_id": run_id, "suite": suite, "file_id": file_id, "path": path, "expectation": config.type,
        "column_name": column or None, "success": bool(result.success), "severity": severity,
        "unexpected_count": res.get("unexpected_count"), "element_count": res.get("element_count"),
        "details": Jsonb(details),
    })
    out["evaluated"] += 1
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
