"""Run one suite per file kind on the files just loaded, in SQL (GX table assets on views), and store every result."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from types import SimpleNamespace
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
        gx = _LazyGx(conninfo)
        try:
            _validate_files(conn, gx, source, facts, run_id, out)
        finally:
            gx.dispose()
    log.info("validate %s: %s", source, {k: v for k, v in out.items() if k != "hard_failures"})
    for failure in out["hard_failures"]:
        log.warning("validate %s: hard failure %s", source, failure)
    return out


# Expectations whose verdict on a union of files splits exactly by file: row-level checks (unexpected rows
# carry their file_id) and column existence (every file of a kind lands in the same staging table).
_SPLITTABLE = {"ExpectColumnToExist", "ExpectColumnValuesToNotBeNull", "ExpectColumnValuesToMatchRegex",
               "ExpectColumnValuesToBeInSet", "ExpectColumnValuesToBeBetween", "ExpectColumnPairValuesAToBeGreaterThanB"}


# Suites evaluated by aggregate SQL instead of GX: the kinds delivered as large CSVs, the register's and the tax
# authority's (millions of rows at national scale). GX scans them once per metric plus once per expectation
# for sample values (15 s at 1M persons); one GROUP BY file_id scan gives GX's own counts and verdicts (compared
# with GX's on failing rows in tests/integration/test_ingest.py). The file facts are one row per file: in SQL
# too, so validating these sources does not load GX at all. GX keeps the small-file kinds: the school directory,
# the rosters and the welfare sheets.
SQL_SUITES = frozenset({"persons", "coverage", "employers", "contributions", "enterprises", "household_businesses",
                        "wage_earners", "tep"})


def _validate_files(conn, gx: _LazyGx, source: str, facts: list[tuple], run_id: str, out: dict) -> None:
    """Per kind (and for the file facts): SQL_SUITES by one aggregate query, the others by one GX validation
    over all the files; results stored per file.

    GX costs ~0.2 s per validation whatever the rows, and school/welfare deliveries hold hundreds of small
    files; a GX suite with a cross-row check (uniqueness) still runs file by file.
    """
    kinds: dict[str, list[tuple]] = {}
    for fact in facts:
        if fact[1] != source:
            raise ValueError(f"file {fact[0]} belongs to {fact[1]}, not {source}")
        kinds.setdefault(fact[2], []).append(fact)
    out["files"] += len(facts)
    paths = {f[0]: f[3] for f in facts}
    pending: list[dict] = []
    with conn.transaction():
        # the commune lookup per row inflates the aggregates' estimates past JIT's thresholds: ~0.3 s compiling
        # for 40k household businesses, nothing gained on millions of wage-earner rows
        conn.execute("SET LOCAL jit = off")
        for kind, group in kinds.items():
            ids = [f[0] for f in group]
            per_file = None
            alone = len(ids) == 1 or not all(spec[0] in _SPLITTABLE for spec in SUITES[kind])
            if kind in SQL_SUITES:
                per_file = _run_sql(conn, _rows_query(conn, kind, ids), SUITES[kind], ids, alone)
            if per_file is None and not alone:
                query = _rows_query(conn, kind, ids)
                per_file = _run_split(*gx.get(), f"{source}.{kind}", query, SUITES[kind], ids,
                                      _counts(conn, query, SUITES[kind], ids))
            if per_file is None:
                per_file = {file_id: _run(*gx.get(), f"{source}.{kind}.{file_id}",
                                          _rows_query(conn, kind, [file_id]), SUITES[kind]) for file_id in ids}
            for file_id in ids:
                for result in per_file[file_id]:
                    _store(pending, run_id, f"{source}.{kind}", file_id, paths[file_id], result, out)
        ids = sorted(paths)
        query = _facts_query(conn, ids)
        per_file = _run_sql(conn, query, FILE_SUITE, ids, alone=False) if "tep" in SQL_SUITES else None
        if per_file is None:
            per_file = _run_split(*gx.get(), f"{source}.tep", query, FILE_SUITE, ids,
                                  _counts(conn, query, FILE_SUITE, ids))
        for file_id in ids:
            for result in per_file[file_id]:
                _store(pending, run_id, f"{source}.tep", file_id, paths[file_id], result, out)
        with conn.cursor() as cur:
            cur.executemany(db.render(conn, "ingest/dq_store_result"), pending)


class _LazyGx:
    """GX's context and datasource, made on first use (importing GX alone takes seconds)."""

    def __init__(self, conninfo: str):
        self.conninfo = conninfo
        self._made: tuple | None = None

    def get(self) -> tuple:
        if self._made is None:
            self._made = _gx(self.conninfo)
        return self._made

    def dispose(self) -> None:
        if self._made is not None:
            self._made[1].get_engine().dispose()


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


def _denominators(specs: list[Spec]) -> dict[str, sql.Composable]:
    """Per checked column (or column pair): the aggregate counting the rows GX considers (not null)."""
    keys: dict[str, sql.Composable] = {}
    for _type, kwargs, _severity in specs:
        if "column" in kwargs:
            keys[kwargs["column"]] = sql.SQL("count({})").format(sql.Identifier(kwargs["column"]))
        elif "column_A" in kwargs:
            a, b = sql.Identifier(kwargs["column_A"]), sql.Identifier(kwargs["column_B"])
            keys[f"{kwargs['column_A']},{kwargs['column_B']}"] = sql.SQL(
                "count(*) FILTER (WHERE {} IS NOT NULL AND {} IS NOT NULL)").format(a, b)
    return keys


def _counts(conn: psycopg.Connection, query: str, specs: list[Spec], file_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per file: its rows ("") and, per checked column (or column pair), the rows where it is not null."""
    keys = _denominators(specs)
    names = list(keys)
    text = sql.SQL("SELECT s.file_id, count(*){} FROM ({}) s GROUP BY s.file_id").format(
        sql.SQL("").join(sql.SQL(", ") + keys[k] for k in names), sql.SQL(query))
    counts = {file_id: {"": 0, **dict.fromkeys(names, 0)} for file_id in file_ids}
    for file_id, total, *nonnull in conn.execute(text).fetchall():
        counts[file_id] = {"": total, **dict(zip(names, nonnull, strict=True))}
    return counts


def _suite(name: str, specs: list[Spec]):
    import great_expectations as gx
    import great_expectations.expectations as gxe

    suite = gx.ExpectationSuite(name=name)
    for type_name, kwargs, _severity in specs:
        suite.add_expectation(getattr(gxe, type_name)(**kwargs))
    return suite


def _run(context, datasource, name: str, query: str, specs: list[Spec], result_format: dict | None = None):
    # A table asset on a short-lived view, not a query asset: see sql/migrations/0006_dq_views.sql.
    view = f"v_{uuid.uuid4().hex[:16]}"
    engine = datasource.get_engine()
    with engine.begin() as c:
        c.exec_driver_sql(f'CREATE VIEW dq."{view}" AS {query}')
    try:
        asset = datasource.add_table_asset(name, table_name=view, schema_name="dq")
        batch = asset.add_batch_definition_whole_table("whole").get_batch()
        result = batch.validate(_suite(name, specs), **({"result_format": result_format} if result_format else {}))
    finally:
        with engine.begin() as c:
            c.exec_driver_sql(f'DROP VIEW IF EXISTS dq."{view}"')
    # GX does not keep the suite's order in its results: pair each result with its spec by type and columns
    by_key = {_key(r.expectation_config.type, r.expectation_config.kwargs): r for r in result.results}
    return [(spec, by_key[_key(spec[0], spec[1])]) for spec in specs]


def _key(type_name: str, kwargs: dict) -> tuple:
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in type_name).lstrip("_")
    return snake, *(kwargs.get(k) for k in ("column", "column_A", "column_B"))


class _FileResult:
    """One file's share of an expectation validated on many files, shaped like a GX result."""

    def __init__(self, expectation_config, success: bool, result: dict, exception_info: dict | None):
        self.expectation_config = expectation_config
        self.success = success
        self.result = result
        self.exception_info = exception_info


def _run_split(context, datasource, name: str, query: str, specs: list[Spec], file_ids: list[int],
               counts: dict[int, dict[str, int]]) -> dict[int, list[tuple[Spec, Any]]]:
    """Validate once on the union of the files; each file gets the verdict of its own rows, as if alone."""
    # GX's SQL engine lists unexpected rows only up to partial_unexpected_count (20 by default, for the whole
    # batch, even with COMPLETE), which would cut files' counts and pass a file whose failing rows are not among
    # the first listed: ask for as many as the batch has rows.
    rows = sum(c[""] for c in counts.values())
    fmt = {"result_format": "COMPLETE", "unexpected_index_column_names": ["file_id"],
           "return_unexpected_index_query": False, "partial_unexpected_count": max(rows, 20)}
    per_file: dict[int, list[tuple[Spec, Any]]] = {file_id: [] for file_id in file_ids}
    for spec, result in _run(context, datasource, f"{name}.batch", query, specs, fmt):
        type_name, kwargs, _severity = spec
        res = result.result or {}
        unexpected: dict[int, int] = {}
        for row in res.get("unexpected_index_list") or []:
            unexpected[row["file_id"]] = unexpected.get(row["file_id"], 0) + 1
        for file_id in file_ids:
            if type_name == "ExpectColumnToExist" or result.exception_info and result.exception_info.get(
                    "raised_exception"):
                share = _FileResult(result.expectation_config, result.success,
                                    {} if type_name != "ExpectColumnToExist" else dict(res), result.exception_info)
            else:
                share = _FileResult(result.expectation_config, file_id not in unexpected,
                                    _map_result(type_name, kwargs, counts[file_id], unexpected.get(file_id, 0)), None)
            per_file[file_id].append((spec, share))
    return per_file


def _map_result(type_name: str, kwargs: dict, counts: dict[str, int], unexpected: int) -> dict:
    """The counts GX reports for a row-level expectation on one file's rows."""
    total = counts[""]
    if type_name == "ExpectColumnValuesToNotBeNull":
        considered = total
    elif type_name == "ExpectColumnPairValuesAToBeGreaterThanB":
        considered = counts[f"{kwargs['column_A']},{kwargs['column_B']}"]
    else:
        considered = counts[kwargs["column"]]
    percent = unexpected / considered * 100 if considered else None
    return {"element_count": total, "unexpected_count": unexpected, "unexpected_percent": percent}


def _run_sql(conn: psycopg.Connection, query: str, specs: list[Spec], file_ids: list[int],
             alone: bool) -> dict[int, list[tuple[Spec, Any]]] | None:
    """GX's verdicts for `specs` on each file's rows, from one aggregate scan; None when a spec is beyond it.

    The conditions are the ones GX's SQL engine applies: null values are never unexpected (except for
    NotBeNull), uniqueness counts every row of a repeated value within its file, the pair check skips rows
    where either value is missing. `alone`: the results GX gives a file validated on its own (_run), which
    differ from _run_split's for a file without rows.
    """
    with conn.cursor() as cur:
        cur.execute(sql.SQL("SELECT * FROM ({}) s LIMIT 0").format(sql.SQL(query)))
        columns = {d.name for d in cur.description}
    tests: list[sql.Composable] = []            # per spec: the rows GX finds unexpected
    windows: list[sql.Composable] = []
    for type_name, kwargs, _severity in specs:
        if set(kwargs) - _SQL_KWARGS.get(type_name, set()) or not {
                kwargs.get(k) for k in ("column", "column_A", "column_B") if k in kwargs} <= columns:
            return None
        if type_name == "ExpectColumnToExist":
            tests.append(sql.SQL("0"))
            continue
        if type_name == "ExpectColumnPairValuesAToBeGreaterThanB":
            if not kwargs.get("or_equal") or kwargs.get("ignore_row_if") != "either_value_is_missing":
                return None
            a, b = sql.Identifier(kwargs["column_A"]), sql.Identifier(kwargs["column_B"])
            tests.append(sql.SQL("count(*) FILTER (WHERE {a} IS NOT NULL AND {b} IS NOT NULL AND NOT {a} >= {b})")
                         .format(a=a, b=b))
            continue
        c = sql.Identifier(kwargs["column"])
        if type_name == "ExpectColumnValuesToNotBeNull":
            unexpected = sql.SQL("{} IS NULL").format(c)
        elif type_name == "ExpectColumnValuesToMatchRegex":
            unexpected = sql.SQL("{} IS NOT NULL AND NOT {} ~ {}").format(c, c, sql.Literal(kwargs["regex"]))
        elif type_name == "ExpectColumnValuesToBeInSet":
            unexpected = sql.SQL("{} IS NOT NULL AND {} NOT IN ({})").format(
                c, c, sql.SQL(", ").join(map(sql.Literal, kwargs["value_set"])))
        elif type_name == "ExpectColumnValuesToBeBetween":
            bounds = [sql.SQL("{} >= {}").format(c, sql.Literal(kwargs["min_value"]))] if "min_value" in kwargs else []
            if "max_value" in kwargs:
                bounds.append(sql.SQL("{} <= {}").format(c, sql.Literal(kwargs["max_value"])))
            unexpected = sql.SQL("{} IS NOT NULL AND NOT ({})").format(c, sql.SQL(" AND ").join(bounds))
        else:  # ExpectColumnValuesToBeUnique, within each file (GX validates such a suite file by file)
            repeats = sql.Identifier(f"_dq_repeats_{len(windows)}")
            windows.append(sql.SQL(", count(*) OVER (PARTITION BY s.file_id, s.{}) AS {}").format(c, repeats))
            unexpected = sql.SQL("{} IS NOT NULL AND {} > 1").format(c, repeats)
        tests.append(sql.SQL("count(*) FILTER (WHERE {})").format(unexpected))
    keys = _denominators(specs)                 # per checked column (or pair): the rows GX considers
    names = list(keys)
    text = sql.SQL("SELECT file_id, count(*){}{} FROM (SELECT s.*{} FROM ({}) s) s GROUP BY file_id").format(
        sql.SQL("").join(sql.SQL(", ") + keys[k] for k in names),
        sql.SQL("").join(sql.SQL(", ") + t for t in tests),
        sql.SQL("").join(windows), sql.SQL(query))
    found = {row[0]: row[1:] for row in conn.execute(text).fetchall()}
    per_file: dict[int, list[tuple[Spec, Any]]] = {}
    for file_id in file_ids:
        total, *rest = found.get(file_id, (0,) + (0,) * (len(names) + len(tests)))
        counts = {"": total, **dict(zip(names, rest[:len(names)], strict=True))}
        per_file[file_id] = []
        for spec, unexpected in zip(specs, rest[len(names):], strict=True):
            type_name, kwargs, _severity = spec
            config = SimpleNamespace(type=_key(type_name, kwargs)[0])
            if type_name == "ExpectColumnToExist":
                per_file[file_id].append((spec, _FileResult(config, True, {}, None)))
            else:
                result = _map_result(type_name, kwargs, counts, unexpected)
                if alone and total == 0 and type_name not in _COUNTED_WHEN_EMPTY:
                    result["unexpected_count"] = None
                per_file[file_id].append((spec, _FileResult(config, unexpected == 0, result, None)))
    return per_file


# GX validating an empty batch reports no unexpected count, except for these (their metrics count rows).
_COUNTED_WHEN_EMPTY = frozenset({"ExpectColumnValuesToBeUnique", "ExpectColumnPairValuesAToBeGreaterThanB"})

# The arguments _run_sql understands, by expectation; any other (mostly, strict bounds, …) is left to GX.
_SQL_KWARGS: dict[str, set[str]] = {
    "ExpectColumnToExist": {"column"},
    "ExpectColumnValuesToNotBeNull": {"column"},
    "ExpectColumnValuesToMatchRegex": {"column", "regex"},
    "ExpectColumnValuesToBeInSet": {"column", "value_set"},
    "ExpectColumnValuesToBeBetween": {"column", "min_value", "max_value"},
    "ExpectColumnValuesToBeUnique": {"column"},
    "ExpectColumnPairValuesAToBeGreaterThanB": {"column_A", "column_B", "or_equal", "ignore_row_if"},
}


def _store(pending: list[dict], run_id: str, suite: str, file_id: int, path: str, item, out: dict[str, Any]) -> None:
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
