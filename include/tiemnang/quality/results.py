"""What both engines hand back: one file's result of one expectation, with GX's counts for that file's rows."""

from __future__ import annotations

from types import SimpleNamespace

import psycopg
from psycopg import sql

from tiemnang.quality.suites import Spec


class FileResult:
    """One file's share of an expectation validated on many files, shaped like a GX result."""

    def __init__(self, expectation_config, success: bool, result: dict, exception_info: dict | None):
        self.expectation_config = expectation_config
        self.success = success
        self.result = result
        self.exception_info = exception_info


def key(type_name: str, kwargs: dict) -> tuple:
    """(GX's snake_case expectation type, column, column_A, column_B): how results are paired with specs."""
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in type_name).lstrip("_")
    return snake, *(kwargs.get(k) for k in ("column", "column_A", "column_B"))


def config_of(spec: Spec) -> SimpleNamespace:
    return SimpleNamespace(type=key(spec[0], spec[1])[0])


def denominators(specs: list[Spec]) -> dict[str, sql.Composable]:
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


def counts(conn: psycopg.Connection, query: str, specs: list[Spec], file_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per file: its rows ("") and, per checked column (or column pair), the rows where it is not null."""
    keys = denominators(specs)
    names = list(keys)
    text = sql.SQL("SELECT s.file_id, count(*){} FROM ({}) s GROUP BY s.file_id").format(
        sql.SQL("").join(sql.SQL(", ") + keys[k] for k in names), sql.SQL(query))
    out = {file_id: {"": 0, **dict.fromkeys(names, 0)} for file_id in file_ids}
    for file_id, total, *nonnull in conn.execute(text).fetchall():
        out[file_id] = {"": total, **dict(zip(names, nonnull, strict=True))}
    return out


def map_result(type_name: str, kwargs: dict, file_counts: dict[str, int], unexpected: int) -> dict:
    """The counts GX reports for a row-level expectation on one file's rows."""
    total = file_counts[""]
    if type_name == "ExpectColumnValuesToNotBeNull":
        considered = total
    elif type_name == "ExpectColumnPairValuesAToBeGreaterThanB":
        considered = file_counts[f"{kwargs['column_A']},{kwargs['column_B']}"]
    else:
        considered = file_counts[kwargs["column"]]
    percent = unexpected / considered * 100 if considered else None
    return {"element_count": total, "unexpected_count": unexpected, "unexpected_percent": percent}
