"""Great Expectations as the validation engine: one Checkpoint per validation, split per file, Data Docs after."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from tiemnang import config
from tiemnang.quality.results import FileResult, config_of, counts, key, map_result
from tiemnang.quality.suites import Spec

log = logging.getLogger(__name__)

# The cheapest result GX gives: the verdict, and (no rows fetched) the query selecting the unexpected rows'
# file ids. GX still computes every expectation's counts, bundled into few aggregate queries; per-file counts
# come from counts() and, only for an expectation that failed, one GROUP BY file_id over GX's own query.
# Never SUMMARY/COMPLETE on a batch of many files: GX's SQL engine lists unexpected rows only up to
# partial_unexpected_count for the whole batch, which would cut files' counts (and passes a file whose failing
# rows are not among the first listed); nor values in the Data Docs, which would show personal identifiers.
RESULT_FORMAT = {"result_format": "BOOLEAN_ONLY", "unexpected_index_column_names": ["file_id"],
                 "return_unexpected_index_query": True}
DOCS_INDEX_LIMIT = 500  # validation results the Data Docs index lists (newest first); every page stays on disk


@dataclass(frozen=True)
class Batch:
    """Rows of `file_ids` (a query with a file_id column) to validate with one suite."""

    suite: str
    query: str
    specs: list[Spec]
    file_ids: list[int]

    @property
    def asset(self) -> str:
        ids = self.file_ids
        return f"{self.suite}.file_{ids[0]}" if len(ids) == 1 else f"{self.suite}.files_{ids[0]}_to_{ids[-1]}_{len(ids)}"


def gx_dir() -> Path:
    """GX's stored validation results and the Data Docs site: TIEMNANG_GX_DIR, else <local dir>/gx."""
    return Path(os.environ.get("TIEMNANG_GX_DIR") or config.local_dir() / "gx").resolve()


def docs_dir() -> Path:
    """The Data Docs site (static HTML), served to logged-in users by the monitor at /tiemnang/gx-docs/."""
    return gx_dir() / "docs"


def docs_index() -> Path:
    return docs_dir() / "index.html"


def run_checkpoint(conn: psycopg.Connection, conninfo: str, batches: list[Batch],
                   run_name: str) -> list[dict[int, list[tuple[Spec, Any]]]]:
    """Validate every batch in one Checkpoint run (which rebuilds the Data Docs); per batch, per file: results."""
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction
    from great_expectations.core.run_identifier import RunIdentifier

    if not batches:
        return []
    context = _context()
    datasource = context.data_sources.add_postgres("warehouse", connection_string=_url(conninfo))
    views: list[str] = []
    try:
        definitions, suites = [], {}
        for batch in batches:
            # A table asset on a short-lived view, not a query asset: see sql/migrations/0006_dq_views.sql.
            view = f"v_{uuid.uuid4().hex[:16]}"
            conn.execute(sql.SQL("CREATE VIEW dq.{} AS {}").format(sql.Identifier(view), sql.SQL(batch.query)))
            views.append(view)
            if batch.suite not in suites:
                suites[batch.suite] = context.suites.add(_suite(batch.suite, batch.specs))
            asset = datasource.add_table_asset(batch.asset, table_name=view, schema_name="dq")
            definitions.append(context.validation_definitions.add(gx.ValidationDefinition(
                name=batch.asset, data=asset.add_batch_definition_whole_table("whole"), suite=suites[batch.suite])))
        checkpoint = context.checkpoints.add(gx.Checkpoint(
            name=f"validate_{run_name}", validation_definitions=definitions, result_format=RESULT_FORMAT,
            actions=[UpdateDataDocsAction(name="update_data_docs", site_names=["local_site"])]))
        result = checkpoint.run(run_id=RunIdentifier(run_name=run_name))
        log.info("GX checkpoint %s: %d batches, success %s; Data Docs %s", run_name, len(batches), result.success,
                 docs_index())
        by_asset = {r.asset_name: r for r in result.run_results.values()}
        return [_per_file(conn, batch, by_asset[batch.asset]) for batch in batches]
    finally:
        for view in views:
            conn.execute(sql.SQL("DROP VIEW IF EXISTS dq.{}").format(sql.Identifier(view)))
        datasource.get_engine().dispose()


def _per_file(conn: psycopg.Connection, batch: Batch, suite_result) -> dict[int, list[tuple[Spec, Any]]]:
    """Each file gets the verdict and counts of its own rows, as if validated alone."""
    # GX does not keep the suite's order in its results: pair each result with its spec by type and columns
    by_key = {key(r.expectation_config.type, r.expectation_config.kwargs): r for r in suite_result.results}
    file_counts = counts(conn, batch.query, batch.specs, batch.file_ids)
    per_file: dict[int, list[tuple[Spec, Any]]] = {file_id: [] for file_id in batch.file_ids}
    for spec in batch.specs:
        type_name, kwargs, _severity = spec
        result = by_key[key(type_name, kwargs)]
        raised = bool(result.exception_info and result.exception_info.get("raised_exception"))
        if type_name == "ExpectColumnToExist" or raised:  # a verdict on the columns, the same for every file
            for file_id in batch.file_ids:
                per_file[file_id].append((spec, FileResult(config_of(spec), result.success, {},
                                                           result.exception_info if raised else None)))
            continue
        unexpected: dict[int, int] = {}
        if not result.success:
            text = _executable(result.result["unexpected_index_query"])
            unexpected = dict(conn.execute(sql.SQL("SELECT u.file_id, count(*) FROM ({}) u GROUP BY u.file_id")
                                           .format(sql.SQL(text))).fetchall())
        for file_id in batch.file_ids:
            found = unexpected.get(file_id, 0)
            per_file[file_id].append((spec, FileResult(
                config_of(spec), found == 0, map_result(type_name, kwargs, file_counts[file_id], found), None)))
    return per_file


_PY_DATE = re.compile(r"datetime\.date\((\d+), (\d+), (\d+)\)")


def _executable(query: str) -> str:
    """GX's unexpected-row query as PostgreSQL runs it: GX 1.x writes each bound value with repr(), so a date
    bound reads `datetime.date(1880, 1, 1)`; it becomes DATE '1880-01-01'. The trailing ';' goes."""
    text = _PY_DATE.sub(lambda m: f"DATE '{dt.date(*map(int, m.groups())).isoformat()}'", query)
    return text.strip().rstrip(";")


def _suite(name: str, specs: list[Spec]):
    import great_expectations as gx
    import great_expectations.expectations as gxe

    suite = gx.ExpectationSuite(name=name)
    for type_name, kwargs, _severity in specs:
        suite.add_expectation(getattr(gxe, type_name)(**kwargs))
    return suite


def _url(conninfo: str) -> str:
    """SQLAlchemy's psycopg (3) dialect, JIT off: the per-row commune lookup inflates estimates past JIT's
    thresholds (~0.3 s compiling for 40k household businesses, nothing gained on millions of rows)."""
    from sqlalchemy.engine import URL

    params = psycopg.conninfo.conninfo_to_dict(conninfo)
    return URL.create(
        "postgresql+psycopg", username=params.get("user"), password=params.get("password"),
        host=params.get("host"), port=int(params["port"]) if params.get("port") else None,
        database=params.get("dbname"), query={"options": "-c jit=off"},
    ).render_as_string(hide_password=False)


def _context():
    """An ephemeral context whose validation results and Data Docs live on disk, under gx_dir()."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    root = gx_dir()
    project = DataContextConfig(store_backend_defaults=InMemoryStoreBackendDefaults(),
                                analytics_enabled=False, progress_bars=ProgressBarsConfig(globally=False))
    project.stores[project.validation_results_store_name] = {
        "class_name": "ValidationResultsStore",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(root / "results")}}
    project.data_docs_sites = {"local_site": {
        "class_name": "SiteBuilder", "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(root / "docs")},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder", "validation_results_limit": DOCS_INDEX_LIMIT}}}
    return gx.get_context(mode="ephemeral", project_config=project)
