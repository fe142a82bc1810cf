"""Bad input through the whole chain: late `_READY`, duplicated deliveries, hostile file names and cells,
and a 2 GiB CSV loaded with flat memory. (Row-level ingestion cases: tests/integration/test_ingest_corpus.py.)
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import psycopg
import pytest
from harness import ledger, run_to_end

from tiemnang_tools.generate import generate

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

W1 = "2026-11-13"
LATE = "welfare/2026-11-10"
HOSTILE = "welfare/2026-11-09"
FORMULA = '=HYPERLINK("http://example.invalid/x","Nguyễn Văn Bẫy")'
CELLS = ["'); DROP SCHEMA ops CASCADE; --", "\\N", "\\.", "Lê\tThị\\Tab", FORMULA, "Trần \"Trích\" Dẫn"]
GIB = 1 << 30


def _welfare_csv(world: Path) -> tuple[str, list[list[str]], int]:
    """A readable UTF-8 welfare CSV of the world with plain headers: its path, rows and header row index."""
    wanted = {"stt", "họ và tên", "ngày sinh", "giới tính", "mã hộ", "đối tượng", "ghi chú"}
    with open(world / "truth" / "files.csv", encoding="utf-8", newline="") as f:
        paths = [r["path"] for r in csv.DictReader(f) if r["source"] == "welfare" and r["expected"] == "accepted"
                 and r["path"].endswith(".csv") and "utf-8" in r["note"]]
    for path in paths:
        with open(world / "landing" / path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        for i, r in enumerate(rows):
            if wanted <= {c.strip().lower() for c in r}:
                return path, rows, i
    raise AssertionError("no welfare CSV with plain headers in the generated world")


def _row(cols: list[str], **values: str) -> list[str]:
    return [values.get(c.strip().lower(), "") for c in cols]


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("bad_world")
    generate(out=out, persons=600, seed=41)
    landing = out / "landing"
    path, rows, header = _welfare_csv(out)
    xa = Path(path).name[:5]
    cols = rows[header]
    data = rows[: header + 8]

    late = landing / LATE                      # a delivery still being copied: no _READY yet
    late.mkdir(parents=True)
    with open(late / f"{xa}_bo_sung_den_muon.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(data)

    hostile = landing / HOSTILE
    hostile.mkdir(parents=True)
    names = {
        "sql_name": "'; DROP SCHEMA ops CASCADE; --.csv",
        "sql_label": f"{xa}_'; DROP TABLE stg.welfare; --.csv",
        "backslash_traversal": "..\\..\\etc\\passwd",
        "newline": f"{xa}_xuong\ndong.csv",
    }
    for name in names.values():
        with open(hostile / name, "w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(data)
    (hostile / f"{xa}_passwd.csv").symlink_to("../../../../../../../../etc/passwd")
    os.mkfifo(hostile / f"{xa}_ong_dan.csv")
    cells = [_row(cols, **{"stt": str(i + 1), "họ và tên": name, "ngày sinh": f"0{i + 1}/02/1950",
                           "giới tính": "Nữ", "mã hộ": f"77-{i}", "đối tượng": "HN", "ghi chú": CELLS[0]})
             for i, name in enumerate(CELLS)]
    with open(hostile / f"{xa}_o_nguy_hiem.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([*rows[: header + 1], *cells])
    (hostile / "_READY").touch()

    # a whole delivery delivered twice, byte for byte, under a later date
    tax = sorted(p for p in (landing / "tax").iterdir() if p.name <= W1)[-1]
    shutil.copytree(tax, tax.with_name("2026-11-12"))
    return {"out": out, "landing": landing, "xa": xa, "names": names, "tax_copy": "tax/2026-11-12"}


@pytest.fixture(scope="module")
def runs(world, database_factory, tmp_path_factory) -> dict:
    """W1 with the late delivery not ready; then `_READY` appears and W1 is run again."""
    conninfo, drop = database_factory("tiemnang_rel_bad")
    logs = tmp_path_factory.mktemp("bad_runs")
    fast = {"TIEMNANG_RETRY_DELAY_SECONDS": "1"}   # a failure shows in seconds, not after 2 × 2 minutes
    first = run_to_end(conninfo, W1, world["landing"], logs, "before_ready", **fast)
    with psycopg.connect(conninfo) as conn:
        before = conn.execute("SELECT path FROM ops.file_log WHERE path LIKE %s", (f"{LATE}/%",)).fetchall()
    (world["landing"] / LATE / "_READY").touch()
    second = run_to_end(conninfo, W1, world["landing"], logs, "after_ready", **fast)
    yield {"conninfo": conninfo, "late_before": before, "logs": logs, "texts": first.text + second.text}
    drop()


def _file_log(conninfo: str, like: str) -> dict[str, tuple]:
    with psycopg.connect(conninfo) as conn:
        return {p: rest for p, *rest in conn.execute(
            "SELECT path, status, rows_read, rows_accepted, rows_quarantined, message FROM ops.file_log"
            " WHERE path LIKE %s", (like,)).fetchall()}


def test_delivery_without_ready_waits_for_it(runs):
    assert runs["late_before"] == []
    loaded = _file_log(runs["conninfo"], f"{LATE}/%")
    assert len(loaded) == 1 and next(iter(loaded.values()))[0] == "loaded"


def test_duplicated_delivery_changes_nothing(world, runs):
    copies = _file_log(runs["conninfo"], f"{world['tax_copy']}/%")
    assert copies and {row[0] for row in copies.values()} == {"unchanged"}, copies
    with psycopg.connect(runs["conninfo"]) as conn:
        staged = conn.execute(
            "SELECT count(*) FROM stg.wage_earners w JOIN ops.file_log f USING (file_id) WHERE f.path LIKE %s",
            (f"{world['tax_copy']}/%",)).fetchone()[0]
    assert staged == 0
    figures = ledger(runs["conninfo"])
    assert not figures["duplicate_files"] and figures["rows_lost"] == 0


def test_hostile_file_names_are_refused_or_stored_as_text(world, runs):
    got = _file_log(runs["conninfo"], f"{HOSTILE}/%")
    xa, names = world["xa"], world["names"]
    status = {Path(p).name: row for p, row in got.items()}
    for key in ("sql_name", "backslash_traversal", "newline"):
        row = status[names[key]]
        assert row[0] == "quarantined" and row[4].startswith("ten_tep_khong_hop_le"), (key, row)
    for name in (f"{xa}_passwd.csv", f"{xa}_ong_dan.csv"):   # symlink out of the root; a FIFO (must not hang)
        assert status[name][0] == "quarantined" and status[name][4].startswith("ten_tep_khong_hop_le"), status[name]
        assert status[name][1] == 0
    same_rows = next(iter(_file_log(runs["conninfo"], f"{LATE}/%").values()))
    assert status[names["sql_label"]][:4] == same_rows[:4]    # a valid name: loaded like its twin, as text
    with psycopg.connect(runs["conninfo"]) as conn:
        schemas = {s for (s,) in conn.execute("SELECT nspname FROM pg_namespace").fetchall()}
        assert {"ops", "stg", "mt", "lists", "ref"} <= schemas
        assert conn.execute("SELECT count(*) FROM stg.welfare").fetchone()[0] > 0
        passwd = conn.execute("SELECT count(*) FROM ops.quarantine WHERE raw::text LIKE '%%root:%%'").fetchone()[0]
    assert passwd == 0, "/etc/passwd was read"


def test_hostile_cells_are_data_and_every_row_is_accounted(world, runs):
    path = f"{HOSTILE}/{world['xa']}_o_nguy_hiem.csv"
    status, read, accepted, quarantined, _ = _file_log(runs["conninfo"], path)[path]
    assert status == "loaded" and read == len(CELLS) == accepted + quarantined
    with psycopg.connect(runs["conninfo"]) as conn:
        names = {n for (n,) in conn.execute(
            "SELECT w.ho_ten FROM stg.welfare w JOIN ops.file_log f USING (file_id) WHERE f.path = %s", (path,))}
        raw = {r for (r,) in conn.execute("SELECT raw::text FROM ops.quarantine WHERE path = %s", (path,))}
    quarantined = {c for c in CELLS if any(json.dumps(c, ensure_ascii=False)[1:-1] in r for r in raw)}
    # names are stored with their whitespace normalised (a tab is a space); the characters are kept
    assert names | quarantined == {" ".join(c.split()) if c not in quarantined else c for c in CELLS}
    assert "\\N" in names or any("\\\\N" in r for r in raw), "COPY's NULL marker must stay text"


def test_exported_workbooks_hold_no_formula(runs):
    """A name cell starting with '=' must reach the commune workbooks as text, not as a live formula."""
    books = list((runs["logs"] / "exports").rglob("*.xlsx"))
    assert books
    with_formula = [b.name for b in books
                    if any(b"<f>" in zipfile.ZipFile(b).read(n) for n in zipfile.ZipFile(b).namelist()
                           if n.startswith("xl/worksheets/"))]
    assert not with_formula, f"workbooks with formulas: {with_formula[:5]}"
    as_text = [b for b in books if b"HYPERLINK" in zipfile.ZipFile(b).read("xl/sharedStrings.xml")]
    assert as_text, "the '=HYPERLINK(…)' name should be listed (a poor-household member) and exported as text"


def test_no_personal_data_of_hostile_rows_in_logs(runs):
    assert "Nguyễn Văn Bẫy" not in runs["texts"]


# ---------------------------------------------------------------- a 2 GiB file, memory flat

LOADER = """
import json, resource, sys, datetime
from pathlib import Path
from tiemnang.sources import ingest
out = ingest(sys.argv[1], "welfare", Path(sys.argv[2]), datetime.date(2026, 11, 13))
out.pop("file_ids")
print(json.dumps({"maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, **out}))
"""


def _streamed_csv(path: Path, head: list[list[str]], cols: list[str], size: int) -> int:
    """Write `size` bytes of CSV in 1 MiB pieces (never in memory): the list, then note lines (not data rows)."""
    notes = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(head)
        line = ",".join(_row(cols, **{"ghi chú": "Ghi chú: " + "x" * 60_000})) + "\r\n"
        block = line * 16
        while f.tell() < size:
            f.write(block)
            notes += 16
    return notes


def _load(conninfo: str, landing: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", LOADER, conninfo, str(landing)],
                          capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_two_gib_csv_loads_with_flat_memory(world, database_factory, tmp_path):
    path, rows, header = _welfare_csv(world["out"])
    head, cols = rows[: header + 8], rows[header]
    conninfo, drop = database_factory("tiemnang_rel_big")
    try:
        figures = {}
        for label, size in (("small", 0), ("big", 2 * GIB)):
            folder = tmp_path / label / "welfare" / "2026-11-08"
            folder.mkdir(parents=True)
            _streamed_csv(folder / f"{Path(path).name[:5]}_{label}.csv", head, cols, size)
            (folder / "_READY").touch()
            figures[label] = _load(conninfo, tmp_path / label)
            (folder / f"{Path(path).name[:5]}_{label}.csv").unlink()
        small, big = figures["small"], figures["big"]
        assert big["files_loaded"] == 1 and big["rows_read"] == small["rows_read"] > 0
        assert big["rows_read"] == big["rows_accepted"] + big["rows_quarantined"]
        peak_mb, base_mb = big["maxrss_kb"] / 1024, small["maxrss_kb"] / 1024
        print(f"peak RSS loading a 2 GiB CSV: {peak_mb:.0f} MB (a small file: {base_mb:.0f} MB)")
        assert peak_mb < 400, f"loading a 2 GiB file took {peak_mb:.0f} MB"
        assert peak_mb - base_mb < 100, f"memory grew with the file: {base_mb:.0f} -> {peak_mb:.0f} MB"
    finally:
        drop()
