"""The SQL fallback: GX's verdicts and counts per file from one aggregate scan, for the kinds GX is too slow on."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql

from tiemnang.quality.results import FileResult, config_of, denominators, map_result
from tiemnang.quality.suites import Spec

# The arguments run() understands, by expectation; a suite with any other (strict bounds, mostly, …) goes to GX.
_KWARGS: dict[str, set[str]] = {
    "ExpectColumnToExist": {"column"},
    "ExpectColumnValuesToNotBeNull": {"column"},
    "ExpectColumnValuesToMatchRegex": {"column", "regex"},
    "ExpectColumnValuesToBeInSet": {"column", "value_set"},
    "ExpectColumnValuesToBeBetween": {"column", "min_value", "max_value"},
    "ExpectColumnValuesToBeUnique": {"column"},
    "ExpectColumnPairValuesAToBeGreaterThanB": {"column_A", "column_B", "or_equal", "ignore_row_if"},
}


def run(conn: psycopg.Connection, query: str, specs: list[Spec],
        file_ids: list[int]) -> dict[int, list[tuple[Spec, Any]]] | None:
    """GX's verdicts for `specs` on each file's rows of `query`; None when a spec is beyond this fallback.

    The conditions are the ones GX's SQL engine applies: null values are never unexpected (except for
    NotBeNull), uniqueness counts every row of a repeated value within its file, the pair check skips rows
    where either value is missing (tests/integration/test_ingest.py compares the two row by row).
    """
    with conn.cursor() as cur:
        cur.execute(sql.SQL("SELECT * FROM ({}) s LIMIT 0").format(sql.SQL(query)))
        columns = {d.name for d in cur.description}
    tests: list[sql.Composable] = []            # per spec: the rows GX finds unexpected
    windows: list[sql.Composable] = []
    for type_name, kwargs, _severity in specs:
        if set(kwargs) - _KWARGS.get(type_name, set()) or not {
                kwargs.get(k) for k in ("column", "column_A", "column_B") if k in kwargs} <= columns:
            return None
        test = _unexpected(type_name, kwargs, windows)
        if test is None:
            return None
        tests.append(test)
    keys = denominators(specs)                  # per checked column (or pair): the rows GX considers
    names = list(keys)
    text = sql.SQL("SELECT file_id, count(*){}{} FROM (SELECT s.*{} FROM ({}) s) s GROUP BY file_id").format(
        sql.SQL("").join(sql.SQL(", ") + keys[k] for k in names),
        sql.SQL("").join(sql.SQL(", ") + t for t in tests),
        sql.SQL("").join(windows), sql.SQL(query))
    found = {row[0]: row[1:] for row in conn.execute(text).fetchall()}
    per_file: dict[int, list[tuple[Spec, Any]]] = {}
    for file_id in file_ids:
        total, *rest = found.get(file_id, (0,) + (0,) * (len(names) + len(tests)))
        file_counts = {"": total, **dict(zip(names, rest[:len(names)], strict=True))}
        per_file[file_id] = []
        for spec, unexpected in zip(specs, rest[len(names):], strict=True):
            type_name, kwargs, _severity = spec
            result = {} if type_name == "ExpectColumnToExist" else map_result(type_name, kwargs, file_counts, unexpected)
            per_file[file_id].append((spec, FileResult(config_of(spec), unexpected == 0, result, None)))
    return per_file


def _unexpected(type_name: str, kwargs: dict, windows: list[sql.Composable]) -> sql.Composable | None:
    """The aggregate counting the rows GX finds unexpected (the query already has every checked column)."""
    if type_name == "ExpectColumnToExist":
        return sql.SQL("0")
    if type_name == "ExpectColumnPairValuesAToBeGreaterThanB":
        if not kwargs.get("or_equal") or kwargs.get("ignore_row_if") != "either_value_is_missing":
            return None
        a, b = sql.Identifier(kwargs["column_A"]), sql.Identifier(kwargs["column_B"])
        return sql.SQL("count(*) FILTER (WHERE {a} IS NOT NULL AND {b} IS NOT NULL AND NOT {a} >= {b})").format(a=a, b=b)
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
    return sql.SQL("count(*) FILTER (WHERE {})").format(unexpected)
