"""Streaming readers for landing files: encoding detection, CSV and XLSX records, header search, data rows."""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import hashlib
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tiemnang.sources import identifiers as ids
from tiemnang.sources.layouts import Layout

_CHUNK = 1 << 20
_HEADER_SEARCH_ROWS = 40
# UTF-8 byte pairs for Vietnamese letters (U+1EA0–U+1EF9, Đ đ Ơ ơ Ư ư): a file that has them but is not
# valid UTF-8 throughout mixes encodings; Windows-1258 text essentially never contains these pairs.
_UTF8_VIETNAMESE = re.compile(rb"\xe1[\xba\xbb][\x80-\xbf]|\xc4[\x90\x91]|\xc6[\xa0\xa1\xaf\xb0]")
_NUMBERING_CELL = re.compile(r"\(?(\d{1,2})\)?")
_DATE_SHAPED = re.compile(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}")


class FileRejected(Exception):
    """The whole file is quarantined with `reason` (a file-scope reason code)."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class Fingerprint:
    sha256: str
    size: int
    encoding: str | None        # for CSV: utf-8-sig or cp1258; None when unknown or not CSV
    problem: FileRejected | None = None
    tail: bytes = b""           # the last bytes (up to _TAIL): how the file ends tells whether it was cut short


_TAIL = 1 << 16
_ZIP_END = b"PK\x05\x06"       # end of central directory: the last record of a complete zip (xlsx)


def fingerprint(path: Path, is_csv: bool, copy_to: Path | None = None) -> Fingerprint:
    """SHA-256 and size in one pass; for a CSV also whether it is valid UTF-8 (else Windows-1258).

    With `copy_to`, the bytes hashed are also written there: reading the copy, the rows come from exactly the
    bytes the hash names, even when the delivered file changes meanwhile.
    """
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    size, utf8_ok, has_nul, head, tail = 0, True, False, b"", b""
    with path.open("rb") as fh, (copy_to.open("wb") if copy_to else contextlib.nullcontext()) as out:
        while chunk := fh.read(_CHUNK):
            if not head:
                head = chunk[:4]
            size += len(chunk)
            digest.update(chunk)
            tail = (tail + chunk)[-_TAIL:]
            if out is not None:
                out.write(chunk)
            if is_csv:
                has_nul = has_nul or b"\x00" in chunk
                if utf8_ok:
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError:
                        utf8_ok = False
        if is_csv and utf8_ok:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8_ok = False
    sha = digest.hexdigest()
    if not is_csv:
        if head.startswith(b"PK") and _ZIP_END not in tail:
            return Fingerprint(sha, size, None, FileRejected(
                "tep_hong", "workbook cut short: not a complete zip (no end-of-central-directory record)"), tail)
        return Fingerprint(sha, size, None, None, tail)
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or has_nul:
        return Fingerprint(sha, size, None,
                           FileRejected("ma_hoa_khong_ro", "not UTF-8 or Windows-1258 (UTF-16 or NUL bytes)"), tail)
    if utf8_ok:
        return Fingerprint(sha, size, "utf-8-sig", None, tail)
    if _has_utf8_vietnamese(copy_to or path):
        return Fingerprint(sha, size, None, FileRejected("ma_hoa_khong_ro", "mixes UTF-8 and another encoding"), tail)
    return Fingerprint(sha, size, "cp1258", None, tail)


def _has_utf8_vietnamese(path: Path) -> bool:
    tail = b""
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            if _UTF8_VIETNAMESE.search(tail + chunk):
                return True
            tail = chunk[-2:]
    return False


# ---------------------------------------------------------------- records
def csv_records(path: Path, encoding: str) -> Iterator[tuple[int, list[str]]]:
    """(record number, cells) of a CSV file, the first record being 1; text NFC."""
    with path.open("r", encoding=encoding, newline="") as fh:
        lines = (unicodedata.normalize("NFC", line) for line in fh)
        try:
            yield from enumerate(csv.reader(lines), start=1)
        except UnicodeDecodeError as exc:
            raise FileRejected("ma_hoa_khong_ro", f"cannot decode as {encoding}: byte {exc.start}") from None
        except csv.Error as exc:
            raise FileRejected("tep_hong", f"CSV cannot be parsed: {exc}") from None


def xlsx_records(path: Path) -> Iterator[tuple[int, list[Any]]]:
    """(Excel row number, cell values) of the first sheet; formulas give their cached values."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.iter_rows()  # from the sheet's first row (A1), even when leading rows are empty
    except Exception as exc:  # calamine raises several error types for corrupt workbooks
        raise FileRejected("tep_hong", f"workbook cannot be opened: {type(exc).__name__}") from None
    try:
        for offset, cells in enumerate(rows):
            yield offset + 1, [unicodedata.normalize("NFC", c) if isinstance(c, str) else c for c in cells]
    except Exception as exc:
        raise FileRejected("tep_hong", f"workbook cannot be read: {type(exc).__name__}") from None


# ---------------------------------------------------------------- header and data rows
@dataclass
class Table:
    header: list[str]                       # titles as written (for the quarantine's raw cells)
    positions: dict[str, int]               # field → column index
    rows: Iterator[tuple[int, list[Any]]]   # data rows only: (row number, cells)


def _is_blank(cells: list[Any]) -> bool:
    return all(ids.clean_text(c) == "" for c in cells)


def _match_header(cells: list[Any], layout: Layout) -> dict[str, int]:
    wanted = {ids.fold(c.title): c.name for c in layout.columns}
    wanted.update({ids.fold(c.name): c.name for c in layout.columns})
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = wanted.get(ids.fold(ids.clean_text(cell)))
        if name and name not in positions:
            positions[name] = index
    return positions


def _missing(positions: dict[str, int], layout: Layout) -> None:
    missing = [c.title for c in layout.columns if c.required and c.name not in positions]
    if missing:
        raise FileRejected("thieu_cot", "missing column(s): " + ", ".join(missing))


def _is_numbering_row(cells: list[Any]) -> bool:
    """The optional row of column numbers (1, 2, 3 … or (1), (2) …) under a header."""
    numbers = []
    for cell in cells:
        text = ids.clean_text(cell)
        if not text:
            continue
        m = _NUMBERING_CELL.fullmatch(text)
        if not m:
            return False
        numbers.append(int(m[1]))
    return len(numbers) >= 2 and all(b > a for a, b in itertools.pairwise(numbers))


def _cell(cells: list[Any], positions: dict[str, int], name: str) -> Any:
    index = positions.get(name)
    return cells[index] if index is not None and index < len(cells) else None


def is_data_row(cells: list[Any], positions: dict[str, int]) -> bool:
    """CONTRACT §3: STT is a whole number, or a name together with a birth date or an ID."""
    if ids.is_whole_number(_cell(cells, positions, "stt")):
        return True
    if not ids.clean_text(_cell(cells, positions, "ho_ten")):
        return False
    born = _cell(cells, positions, "ngay_sinh")
    if ids.parse_date(born) or (isinstance(born, str) and _DATE_SHAPED.fullmatch(ids.clean_text(born))):
        return True
    for name, width in (("so_ddcn", 12), ("ma_so_bhxh", 10)):
        value = ids.digits_of(_cell(cells, positions, name), width)
        if (value.isdigit() and len(value) >= 8) or ids.parse_ma_the(value):
            return True
    return False


def table(records: Iterable[tuple[int, list[Any]]], layout: Layout) -> Table:
    """Find the header (the first record, or the best title match in titled layouts) and the data rows."""
    it = iter(records)
    if not layout.titled:
        first = next(it, None)
        if first is None:
            raise FileRejected("tep_hong", "empty file")
        positions = _match_header(first[1], layout)
        _missing(positions, layout)
        # a blank line holds no record at all; a line of empty cells is a record (and gets quarantined)
        return Table(_titles(first[1]), positions, ((n, cells) for n, cells in it if cells))

    seen: list[tuple[int, list[Any]]] = []
    best: tuple[int, dict[str, int]] | None = None
    for record in itertools.islice(it, _HEADER_SEARCH_ROWS):
        seen.append(record)
        positions = _match_header(record[1], layout)
        if len(positions) >= 3:
            best = (len(seen) - 1, positions)
            break
    if not seen:
        raise FileRejected("tep_hong", "empty file")
    if best is None:
        raise FileRejected("thieu_cot", "no header row found; missing column(s): " + ", ".join(layout.required_titles))
    index, positions = best
    _missing(positions, layout)
    header = _titles(seen[index][1])
    rest = itertools.chain(seen[index + 1:], it)
    return Table(header, positions, _data_rows(rest, positions))


def _data_rows(records: Iterator[tuple[int, list[Any]]], positions: dict[str, int]) -> Iterator[tuple[int, list[Any]]]:
    first = next(records, None)
    if first is None:
        return
    if not _is_numbering_row(first[1]):
        records = itertools.chain([first], records)
    for number, cells in records:
        if not _is_blank(cells) and is_data_row(cells, positions):
            yield number, cells


def _titles(cells: list[Any]) -> list[str]:
    titles, seen = [], set()
    for index, cell in enumerate(cells):
        title = ids.clean_text(cell) or f"cot_{index + 1}"
        if title in seen:
            title = f"{title}_{index + 1}"
        seen.add(title)
        titles.append(title)
    return titles


def jsonable(value: Any) -> Any:
    """A cell as it can go into the quarantine's raw jsonb."""
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if value is None or isinstance(value, str | int | bool):
        return value
    return str(value)


def raw_cells(header: list[str], cells: list[Any]) -> dict[str, Any]:
    raw = {title: jsonable(cells[i]) if i < len(cells) else None for i, title in enumerate(header)}
    for i in range(len(header), len(cells)):
        if ids.clean_text(cells[i]):
            raw[f"cot_{i + 1}"] = jsonable(cells[i])
    return raw


def row_hash(cells: list[Any]) -> bytes:
    """Digest of every cell of a row, for the exact-duplicate rule (trailing empty cells ignored)."""
    n = len(cells)
    while n and (cells[n - 1] is None or cells[n - 1] == ""):  # no other cell writes as ""
        n -= 1
    kept = cells if n == len(cells) else cells[:n]
    try:
        text = "\x1f".join(kept)  # every cell text: every CSV row, most workbook rows
    except TypeError:
        text = "\x1f".join(c if type(c) is str else "" if c is None else str(jsonable(c)) for c in kept)
    return hashlib.md5(text.encode("utf-8", "surrogatepass"), usedforsecurity=False).digest()
