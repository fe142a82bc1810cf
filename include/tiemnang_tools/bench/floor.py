"""The engine's floor on the same files: COPY every input into unlogged tables (one per file kind), one hash join."""

from __future__ import annotations

import csv
import io
import time
import unicodedata
from pathlib import Path

import psycopg
from psycopg import sql

# Clean, header-first files go straight to the server's CSV parser; the rest are read row by row.
SERVER_PARSED = {"persons.csv", "coverage.csv", "employers.csv", "contributions.csv", "xa_atk.csv", "enterprises.csv",
                 "household_businesses.csv", "wage_earners.csv", "schools.csv"}
BLOCK = 1 << 20
WIDTH = 12


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


def measure(conninfo: str, landing: Path, files: list[Path] | None = None) -> dict:
    """COPY every file once into one unlogged table per file kind, then count one hash join on so_ddcn.

    `files`: the files a run read (default: every ready file in the landing zone). The join reads the
    latest register snapshot among them; without one there is nothing to join and only the COPY counts.
    """
    files = sorted(files) if files is not None else _ready_files(landing)
    started = time.perf_counter()
    tables: dict[str, str] = {}      # kind (file name, or the source for rosters) -> table
    ddcn: dict[str, str] = {}        # table -> its so_ddcn column
    unreadable = 0
    register = max((p for p in files if p.name == "persons.csv"), default=None)  # the snapshot the join reads
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for path in files:
            if path.name in SERVER_PARSED:
                with open(path, encoding="utf-8-sig", newline="") as f:
                    header = next(csv.reader([f.readline()]))
                kind = "register" if path == register else path.name
                table = tables.setdefault(kind, f"t{len(tables)}")
                if "so_ddcn" in header and path.name != "persons.csv":
                    ddcn[table] = "so_ddcn"
                cols = sql.SQL(", ").join(sql.SQL("{} text").format(sql.Identifier(h)) for h in header)
                conn.execute(sql.SQL("CREATE UNLOGGED TABLE IF NOT EXISTS {} ({})").format(sql.Identifier(table), cols))
                with conn.cursor().copy(sql.SQL("COPY {} FROM STDIN (FORMAT csv, HEADER true)").format(
                        sql.Identifier(table))) as copy, open(path, "rb") as f:
                    while block := f.read(BLOCK):
                        copy.write(block)
                continue
            # rosters and welfare lists: cells as they come, the ID (once the header is seen) in its own column
            table = tables.setdefault(path.parts[-3], f"t{len(tables)}")
            ddcn[table] = "so_ddcn"
            cols = sql.SQL(", ").join(sql.SQL("c{} text").format(sql.Literal(n)) for n in range(WIDTH))
            conn.execute(sql.SQL("CREATE UNLOGGED TABLE IF NOT EXISTS {} ({}, so_ddcn text)").format(
                sql.Identifier(table), cols))
            ddcn_col = None
            try:
                with conn.cursor().copy(sql.SQL("COPY {} FROM STDIN").format(sql.Identifier(table))) as copy:
                    for row in _rows(path):
                        cells = [None if c is None else str(c).replace("\x00", "") for c in list(row)[:WIDTH]]
                        if ddcn_col is None:
                            keys = [_key(c or "") for c in cells]
                            if "sodinhdanhcanhan" in keys:
                                ddcn_col = keys.index("sodinhdanhcanhan")
                        own = cells[ddcn_col] if ddcn_col is not None and ddcn_col < len(cells) else None
                        copy.write_row(cells + [None] * (WIDTH - len(cells)) + [own])
            except Exception:  # noqa: BLE001 - an unreadable file costs the floor nothing; the pipeline quarantines it
                unreadable += 1
        rows = sum(conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t))).fetchone()[0]
                   for t in tables.values())
        copied = time.perf_counter() - started
        register_table = tables.get("register")
        sources = [sql.SQL("SELECT {} AS so_ddcn FROM {}").format(sql.Identifier(col), sql.Identifier(t))
                   for t, col in ddcn.items() if t != register_table]
        join_started = time.perf_counter()
        matched = 0
        if register_table and sources:
            matched = conn.execute(sql.SQL("SELECT count(*) FROM ({}) s JOIN {} p ON p.so_ddcn = s.so_ddcn").format(
                sql.SQL(" UNION ALL ").join(sources), sql.Identifier(register_table))).fetchone()[0]
        joined = time.perf_counter() - join_started
    return {"files": len(files), "tables": len(tables), "rows": rows, "copy_seconds": round(copied, 2),
            "join_seconds": round(joined, 2), "total_seconds": round(copied + joined, 2), "matched_rows": matched,
            "unreadable_files": unreadable}
