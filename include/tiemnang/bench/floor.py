"""The engine's floor on the same files: COPY every input into unlogged tables, then one hash join on so_ddcn."""

from __future__ import annotations

import csv
import io
import time
import unicodedata
from pathlib import Path

import psycopg
from psycopg import sql

# Clean, header-first files go straight to the server's CSV parser; the rest are read row by row.
SERVER_PARSED = {"persons.csv", "coverage.csv", "employers.csv", "enterprises.csv",
                 "household_businesses.csv", "wage_earners.csv", "schools.csv"}
BLOCK = 1 << 20


def _ready_files(landing: Path) -> list[Path]:
    return sorted(p for p in landing.glob("*/*/*") if p.is_file() and p.name != "_READY"
                  and (p.parent / "_READY").exists())


def _key(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "")


def _rows(path: Path):
    if path.suffix.lower() == ".xlsx":
        from python_calamine import CalamineWorkbook

        yield from CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        return
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1258")
    yield from csv.reader(io.StringIO(text))


def measure(conninfo: str, landing: Path) -> dict:
    files = _ready_files(landing)
    started = time.perf_counter()
    ddcn_tables: list[tuple[str, str]] = []
    rows = unreadable = 0
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for i, path in enumerate(files):
            table = f"f{i}"
            if path.name in SERVER_PARSED:
                with open(path, encoding="utf-8-sig", newline="") as f:
                    header = next(csv.reader([f.readline()]))
                cols = sql.SQL(", ").join(sql.SQL("{} text").format(sql.Identifier(h)) for h in header)
                conn.execute(sql.SQL("CREATE UNLOGGED TABLE {} ({})").format(sql.Identifier(table), cols))
                with conn.cursor().copy(sql.SQL("COPY {} FROM STDIN (FORMAT csv, HEADER true)").format(
                        sql.Identifier(table))) as copy, open(path, "rb") as f:
                    while block := f.read(BLOCK):
                        copy.write(block)
                if "so_ddcn" in header:
                    ddcn_tables.append((table, "so_ddcn"))
            else:
                width = 12
                cols = sql.SQL(", ").join(sql.SQL("c{} text").format(sql.Literal(n)) for n in range(width))
                conn.execute(sql.SQL("CREATE UNLOGGED TABLE {} ({})").format(sql.Identifier(table), cols))
                ddcn_col = None
                try:
                    with conn.cursor().copy(sql.SQL("COPY {} FROM STDIN").format(sql.Identifier(table))) as copy:
                        for row in _rows(path):
                            cells = [None if c is None else str(c).replace("\x00", "") for c in list(row)[:width]]
                            if ddcn_col is None:
                                keys = [_key(c or "") for c in cells]
                                if "sodinhdanhcanhan" in keys:
                                    ddcn_col = keys.index("sodinhdanhcanhan")
                            copy.write_row(cells + [None] * (width - len(cells)))
                except Exception:  # noqa: BLE001 - an unreadable file costs the floor nothing; the pipeline quarantines it
                    unreadable += 1
                    ddcn_col = None
                if ddcn_col is not None:
                    ddcn_tables.append((table, f"c{ddcn_col}"))
            rows += conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]
        copied = time.perf_counter() - started
        register = f"f{max(i for i, p in enumerate(files) if p.name == 'persons.csv')}"
        sources = sql.SQL(" UNION ALL ").join(
            sql.SQL("SELECT {} AS so_ddcn FROM {}").format(sql.Identifier(col), sql.Identifier(t))
            for t, col in ddcn_tables if files[int(t[1:])].name != "persons.csv")
        join_started = time.perf_counter()
        matched = conn.execute(sql.SQL("SELECT count(*) FROM ({}) s JOIN {} p ON p.so_ddcn = s.so_ddcn").format(
            sources, sql.Identifier(register))).fetchone()[0]
        joined = time.perf_counter() - join_started
    return {"files": len(files), "rows": rows, "copy_seconds": round(copied, 2), "join_seconds": round(joined, 2),
            "total_seconds": round(copied + joined, 2), "matched_rows": matched, "unreadable_files": unreadable}
