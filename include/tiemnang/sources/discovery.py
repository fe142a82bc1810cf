"""Landing discovery: ready deliveries dated ≤ D and what each file in them is (CONTRACT §2)."""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from tiemnang.reference.geography import is_commune
from tiemnang.sources import registry
from tiemnang.sources.layouts import LAYOUTS, Layout

log = logging.getLogger(__name__)

SOURCES = registry.NAMES
READY = "_READY"
_DELIVERY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ROSTER = re.compile(r"([0-9A-Za-z]{1,20})\.(xlsx|csv)", re.IGNORECASE)
_WELFARE = re.compile(r"(\d{5})_([^/\\\x00-\x1f]{1,150})\.(xlsx|csv)", re.IGNORECASE)
_FIXED = {s.name: frozenset(s.files) for s in registry.SOURCES if s.files}
_RESULTS = {s.name: s.results for s in registry.SOURCES if s.results}
_RESULT_NAME = re.compile(r"[^/\\\x00-\x1f]{1,200}\.(xlsx|csv)", re.IGNORECASE)
_RESULT_DEPTH = 8           # folders inside a results folder that are looked into (an agent's own, a week's, …)


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


@dataclass(frozen=True)
class Ignored:
    """An entry of a source's folder that will never be read (ops.landing_ignored)."""

    source: str
    path: str
    reason: str
    message: str


def deliveries(root: Path, source: str, as_of: dt.date,
               ignored: list[Ignored] | None = None) -> Iterator[tuple[dt.date, Path]]:
    """Ready delivery folders of a source dated ≤ as_of, oldest first; folders outside the root are refused.

    What will never be read — a folder not named by a valid date, a file at the source's level, a folder
    pointing outside the root — is appended to `ignored`. A folder dated after as_of, or not ready yet, is
    only skipped: a later run reads it.
    """
    base = root / source
    if not base.is_dir() or not _inside(base.resolve(), root):
        return

    def ignore(entry: Path, reason: str, message: str) -> None:
        log.warning("ingest %s: ignoring %r: %s", source, safe_text(entry.name), message)
        if ignored is not None:
            ignored.append(Ignored(source, f"{source}/{_nfc(safe_text(entry.name))}", reason, message))

    for folder in sorted(base.iterdir(), key=lambda p: p.name):
        if not folder.is_dir():
            ignore(folder, "tep_ngoai_thu_muc_giao", "a file at the source level, outside any delivery folder")
            continue
        try:
            date = dt.date.fromisoformat(folder.name) if _DELIVERY.fullmatch(folder.name) else None
        except ValueError:
            date = None
        if date is None:
            ignore(folder, "thu_muc_khong_hop_le", "a folder not named by a valid date YYYY-MM-DD")
            continue
        if not _inside(folder.resolve(), root):
            ignore(folder, "ngoai_thu_muc_goc", "a delivery folder pointing outside the landing root")
            continue
        if date > as_of:
            continue
        if (folder / READY).is_file():
            yield date, folder


def _nfc(name: str) -> str:
    return unicodedata.normalize("NFC", name)


def _key_name(name: str) -> str:
    """A file name as deliveries are compared: NFC, the extension in lower case."""
    stem, dot, ext = _nfc(name).rpartition(".")
    return f"{stem}.{ext.lower()}" if dot else _nfc(name)


def classify(root: Path, source: str, date: dt.date, entry: Path) -> LandingFile:
    """What a delivery entry is: its kind, the key a later delivery replaces, and whether it may be read."""
    name = _nfc(safe_text(entry.name))
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
        return LandingFile(source, date, rel, real, "welfare", _key_name(name), LAYOUTS["welfare"], {"ma_xa": m[1]})
    return refuse("a welfare list must be named <ma_xa>_<label>.xlsx|.csv with a valid commune code")


def _result_files(root: Path, source: str, date: dt.date, folder: Path, prefix: str,
                  depth: int = 0) -> Iterator[tuple[Path, LandingFile]]:
    """(entry, what it is) for every entry under a delivery's results folder, by name, subfolders in place: kind
    the folder's name, file_key the file's own path (every result file ever delivered stays in force)."""
    kind = _RESULTS[source]
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        name = _nfc(safe_text(entry.name))
        rel = f"{prefix}/{name}"
        if entry.is_dir() and not entry.is_symlink() and depth < _RESULT_DEPTH:
            yield from _result_files(root, source, date, entry, rel, depth + 1)
            continue

        def refuse(message: str, rel: str = rel) -> LandingFile:
            return LandingFile(source, date, rel, None, "unknown", rel, None, {}, "ten_tep_khong_hop_le", message)

        try:
            real = entry.resolve()
        except (OSError, RuntimeError):
            yield entry, refuse("cannot be resolved (link loop)")
            continue
        if entry.is_symlink() and not _inside(real, root):
            yield entry, refuse("symbolic link pointing outside the landing root")
        elif not real.is_file():
            yield entry, refuse("not a regular file (or a folder nested too deep)")
        elif not _RESULT_NAME.fullmatch(name):
            yield entry, refuse(f"a file of {kind}/ must be an .xlsx or .csv file")
        else:
            yield entry, LandingFile(source, date, rel, real, kind, rel, LAYOUTS[kind], {})


def delivery_files(root: Path, source: str, date: dt.date, folder: Path) -> list[LandingFile]:
    """Every entry of a delivery but _READY, the files of its results folder (if the source has one) last; two
    files for one key (X.csv and X.xlsx, NFC and NFD names, .csv and .CSV) are a conflict: both are refused as
    files (tep_trung_khoa), neither replaces the earlier file."""
    entries = [entry for entry in sorted(folder.iterdir(), key=lambda p: p.name) if entry.name != READY]
    results = _RESULTS.get(source)
    inside = [entry for entry in entries if results and entry.name == results and entry.is_dir()
              and not entry.is_symlink()]
    entries = [entry for entry in entries if entry not in inside]
    files = [classify(root, source, date, entry) for entry in entries]
    for entry in inside:
        for found, f in _result_files(root, source, date, entry, f"{source}/{date.isoformat()}/{results}"):
            entries.append(found)
            files.append(f)
    groups: dict[tuple[str, str], list[int]] = {}
    for i, f in enumerate(files):
        if f.problem is None:
            groups.setdefault((f.kind, f.file_key), []).append(i)
    for members in groups.values():
        if len(members) < 2:
            continue
        names = ", ".join(ascii(safe_text(entries[i].name)) for i in members)
        for i in members:
            # named as delivered: NFC-equal names would otherwise share one path
            folder_path = files[i].path.rsplit("/", 1)[0]
            files[i] = replace(files[i], path=f"{folder_path}/{safe_text(entries[i].name)}",
                               problem="tep_trung_khoa", message=f"two or more files for the key"
                               f" {files[i].file_key!r} in one delivery: {names}")
    return files
