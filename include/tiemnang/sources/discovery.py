"""Landing discovery: ready deliveries dated ≤ D and what each file in them is (CONTRACT §2)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tiemnang.reference.geography import is_commune
from tiemnang.sources.layouts import LAYOUTS, Layout

log = logging.getLogger(__name__)

SOURCES = ("register", "tax", "schools", "welfare")
READY = "_READY"
_DELIVERY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ROSTER = re.compile(r"([0-9A-Za-z]{1,20})\.(xlsx|csv)", re.IGNORECASE)
_WELFARE = re.compile(r"(\d{5})_([^/\\\x00-\x1f]{1,150})\.(xlsx|csv)", re.IGNORECASE)
_FIXED = {
    "register": {"persons.csv", "coverage.csv", "employers.csv"},
    "tax": {"enterprises.csv", "household_businesses.csv", "wage_earners.csv"},
}


@dataclass(frozen=True)
class LandingFile:
    source: str
    delivery_date: dt.date
    path: str                   # relative to the landing root, as stored in ops.file_log
    real_path: Path | None      # what to read; None when the entry must not be read
    kind: str
    file_key: str
    layout: Layout | None
    context: dict               # per-file facts the rows inherit (ma_truong, ma_xa)
    problem: str | None = None  # file-scope reason code when the entry is refused before reading
    message: str | None = None

    @property
    def is_csv(self) -> bool:
        return self.path.lower().endswith(".csv")


def safe_text(name: str) -> str:
    """A file name as storable text (undecodable bytes escaped)."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def deliveries(root: Path, source: str, as_of: dt.date) -> Iterator[tuple[dt.date, Path]]:
    """Ready delivery folders of a source dated ≤ as_of, oldest first; folders outside the root are refused."""
    base = root / source
    if not base.is_dir() or not _inside(base.resolve(), root):
        return
    for folder in sorted(base.iterdir(), key=lambda p: p.name):
        if not _DELIVERY.fullmatch(folder.name):
            continue
        try:
            date = dt.date.fromisoformat(folder.name)
        except ValueError:
            log.warning("ingest %s: ignoring folder %r (not a date)", source, safe_text(folder.name))
            continue
        if date > as_of:
            continue
        if not _inside(folder.resolve(), root) or not folder.is_dir():
            log.warning("ingest %s: refusing delivery %r outside the landing root", source, safe_text(folder.name))
            continue
        if (folder / READY).is_file():
            yield date, folder


def classify(root: Path, source: str, date: dt.date, entry: Path) -> LandingFile:
    """What a delivery entry is: its kind, the key a later delivery replaces, and whether it may be read."""
    name = safe_text(entry.name)
    rel = f"{source}/{date.isoformat()}/{name}"

    def refuse(message: str) -> LandingFile:
        return LandingFile(source, date, rel, None, "unknown", name, None, {}, "ten_tep_khong_hop_le", message)

    try:
        real = entry.resolve()
    except (OSError, RuntimeError):
        return refuse("cannot be resolved (link loop)")
    if entry.is_symlink() and not _inside(real, root):
        return refuse("symbolic link pointing outside the landing root")
    if not real.is_file():
        return refuse("not a regular file")
    lower = name.lower()
    if source in _FIXED:
        if lower in _FIXED[source]:
            kind = lower.removesuffix(".csv")
            return LandingFile(source, date, rel, real, kind, kind, LAYOUTS[kind], {})
        return refuse("unexpected file name for this source")
    if source == "schools":
        if lower == "schools.csv":
            return LandingFile(source, date, rel, real, "school_directory", "schools", LAYOUTS["school_directory"], {})
        m = _ROSTER.fullmatch(name)
        if m:
            return LandingFile(source, date, rel, real, "roster", m[1], LAYOUTS["roster"], {"ma_truong": m[1]})
        return refuse("a roster must be named <ma_truong>.xlsx or <ma_truong>.csv")
    m = _WELFARE.fullmatch(name)
    if m and is_commune(m[1]):
        return LandingFile(source, date, rel, real, "welfare", name, LAYOUTS["welfare"], {"ma_xa": m[1]})
    return refuse("a welfare list must be named <ma_xa>_<label>.xlsx|.csv with a valid commune code")


def delivery_files(root: Path, source: str, date: dt.date, folder: Path) -> list[LandingFile]:
    return [
        classify(root, source, date, entry)
        for entry in sorted(folder.iterdir(), key=lambda p: p.name)
        if entry.name != READY
    ]
