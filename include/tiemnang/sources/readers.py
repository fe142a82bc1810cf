"""Streaming readers for landing files: encoding detection, CSV and XLSX records, header search, data rows."""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import hashlib
import html
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tiemnang.sources import identifiers as ids
from tiemnang.sources.layouts import UNCOMPUTED, Layout, Uncomputed

_CHUNK = 1 << 20
_HEADER_SEARCH_ROWS = 40
# Readers are bounded before anything is allocated; a file over a bound is quarantined whole (tep_hong).
MAX_LINE = 1 << 20                  # characters of one physical CSV line (a field: csv's own 131,072)
MAX_XLSX_BYTES = 128 << 20          # bytes of a workbook's parts once unpacked (100,000 rows: ~55 MiB)
MAX_SHEET_CELLS = 2_000_000         # cells of one sheet's rectangle, as declared and as written
_MAX_PENDING = 8 << 20              # bytes of sheet XML without the end of a cell or row
SHEET_ROWS = 10_000_000             # row numbers of the p-th sheet (p ≥ 2) start at p × SHEET_ROWS
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


# ---------------------------------------------------------------- encodings other than the file says
_VIETNAMESE = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
_VIETNAMESE_LETTER = re.compile(f"[{_VIETNAMESE}{_VIETNAMESE.upper()}]")
# Latin-1 signs and letters Vietnamese never has, and tone marks left on no vowel: TCVN3 (ABC) or VNI text read
# as Windows-1258 (or typed in a .VnTime/VNI font and saved as Unicode) is full of them: "V¨n", "Thanh Hãa".
_FOREIGN = re.compile("[\u00a1-\u00bf\u00c4-\u00c7\u00cb\u00ce-\u00d1\u00d6-\u00d8\u00db\u00dc\u00de\u00df"
                      "\u00e4-\u00e7\u00eb\u00ee-\u00f1\u00f6-\u00f8\u00fb\u00fc\u00fe\u00ff"
                      "\u0300\u0301\u0303\u0309\u0323]")


class _Mojibake:
    """Counts accented letters until there are enough to tell Vietnamese from TCVN3 or VNI read wrongly."""

    ENOUGH = 2_000          # accented letters looked at, at most (the first lines of a large file)
    LEAST = 5               # foreign letters that can be a stray sign or two in real Vietnamese text…
    SHARE = 5               # … unless at least 1 in SHARE accented letters is foreign

    def __init__(self) -> None:
        self.foreign = self.vietnamese = 0
        self.done = False   # enough seen: the rest of the file is not looked at

    def feed(self, text: str) -> None:
        if self.done or text.isascii():
            return
        self.foreign += len(_FOREIGN.findall(text))
        self.vietnamese += len(_VIETNAMESE_LETTER.findall(text))
        if self.foreign + self.vietnamese >= self.ENOUGH:
            self.done = True
            self.check()

    def check(self) -> None:
        if self.foreign >= self.LEAST and self.foreign * self.SHARE >= self.foreign + self.vietnamese:
            raise FileRejected("ma_hoa_khong_ro", (
                f"text looks like TCVN3 (ABC) or VNI, not Unicode or Windows-1258: {self.foreign} of "
                f"{self.foreign + self.vietnamese} accented letters are not Vietnamese; save the file as UTF-8"))


# ---------------------------------------------------------------- records
def csv_records(path: Path, encoding: str) -> Iterator[tuple[int, list[str]]]:
    """(record number, cells) of a CSV file, the first record being 1; text NFC.

    Lines longer than MAX_LINE and quotes that swallow records (a quoted cell spanning lines that are whole
    records themselves) quarantine the file: rows are never guessed at.
    """
    mojibake = _Mojibake()
    with path.open("r", encoding=encoding, newline="") as fh:
        reader = csv.reader(_lines(fh, mojibake))
        width = previous = 0
        try:
            for number, cells in enumerate(reader, start=1):
                if reader.line_num - previous > 1:  # a quoted cell with line breaks
                    _check_quotes(number, previous + 1, cells, width)
                previous = reader.line_num
                if number <= _HEADER_SEARCH_ROWS:  # the header's width (titled files: within these rows)
                    width = max(width, len(cells))
                yield number, cells
        except UnicodeDecodeError as exc:
            raise FileRejected("ma_hoa_khong_ro", f"cannot decode as {encoding}: byte {exc.start}") from None
        except csv.Error as exc:
            raise FileRejected("tep_hong", f"CSV cannot be parsed: {exc}") from None
    mojibake.check()


def _lines(fh, mojibake: _Mojibake) -> Iterator[str]:
    number = 0
    while line := fh.readline(MAX_LINE):
        number += 1
        if len(line) == MAX_LINE and line[-1] not in "\r\n":
            raise FileRejected("tep_hong", f"line {number} is longer than {MAX_LINE:,} characters")
        line = unicodedata.normalize("NFC", line)
        if not mojibake.done:
            mojibake.feed(line)
        yield line


def _check_quotes(number: int, line: int, cells: list[str], width: int) -> None:
    """A quoted cell may hold line breaks, but not lines that are records of their own (as many commas as the
    header has, less one): that is an unclosed quote swallowing the rows below it."""
    commas = max(3, width - 1)
    for cell in cells:
        if "\n" in cell or "\r" in cell:
            for part in cell.splitlines()[1:]:
                if part.count(",") >= commas:
                    raise FileRejected("tep_hong", (
                        f"unclosed quote: record {number} (from line {line}) swallows the lines below it; "
                        "close the quote or remove it"))


def xlsx_records(path: Path) -> Iterator[tuple[str, int, bool, Iterator[tuple[int, list[Any]]]]]:
    """(sheet name, position from 1, visible, records) of each worksheet; records are (row number, cell values)
    from column A, formulas giving their cached values (UNCOMPUTED when there is none), a merged range its value
    in its first column on every row it spans; row numbers are Excel's on the first sheet, p × SHEET_ROWS +
    Excel's on the p-th (Excel has at most 1,048,576 rows)."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    uncomputed = _inspect_xlsx(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = workbook.sheets_metadata
    except Exception as exc:  # calamine raises several error types for corrupt workbooks
        raise FileRejected("tep_hong", f"workbook cannot be opened: {type(exc).__name__}") from None
    mojibake = _Mojibake()
    for position, meta in enumerate(sheets, start=1):
        if meta.typ != SheetTypeEnum.WorkSheet:
            continue
        try:
            sheet = workbook.get_sheet_by_index(position - 1)
        except Exception as exc:
            raise FileRejected("tep_hong", f"sheet {position} cannot be read: {type(exc).__name__}") from None
        yield (meta.name, position, meta.visible == SheetVisibleEnum.Visible,
               _sheet_records(sheet, position, uncomputed.get(meta.name, {}), mojibake))
    mojibake.check()


def _sheet_records(sheet, position: int, uncomputed: dict[int, list[int]],
                   mojibake: _Mojibake) -> Iterator[tuple[int, list[Any]]]:
    start_col = sheet.start[1] if sheet.start else 0  # calamine's rows start at column A only when data does
    merges: dict[int, list[tuple[int, int]]] = {}    # first row → (column, last row) of ranges spanning rows
    for (r1, c1), (r2, _) in sheet.merged_cell_ranges or ():
        if r2 > r1:
            merges.setdefault(r1, []).append((c1, r2))
    spanning: dict[int, tuple[int, Any]] = {}         # column → (last row, value) of merged ranges open here
    offset = 0 if position == 1 else position * SHEET_ROWS
    last = max(uncomputed, default=-1)                # a formula without a value is no cell to calamine
    rows = sheet.iter_rows()
    try:
        for r in itertools.count():
            cells = next(rows, None)
            if cells is None:
                if r > last:
                    break
                cells = []
            cells = [""] * start_col + cells if start_col else cells
            for c in uncomputed.get(r, ()):
                _put(cells, c, UNCOMPUTED)
            for c, (until, value) in list(spanning.items()):
                if r > until:
                    del spanning[c]
                elif c >= len(cells) or cells[c] in ("", None):
                    _put(cells, c, value)
            for c, until in merges.get(r, ()):
                if c < len(cells) and cells[c] not in ("", None):
                    spanning[c] = (until, cells[c])
            cells = [unicodedata.normalize("NFC", c) if isinstance(c, str) else c for c in cells]
            if not mojibake.done:
                mojibake.feed(" ".join(c for c in cells if type(c) is str))
            yield offset + r + 1, cells
    except FileRejected:
        raise
    except Exception as exc:
        raise FileRejected("tep_hong", f"workbook cannot be read: {type(exc).__name__}") from None


def _put(cells: list[Any], index: int, value: Any) -> None:
    if index >= len(cells):
        cells.extend([""] * (index + 1 - len(cells)))
    cells[index] = value


_DIMENSION = re.compile(rb'<dimension\s+ref="\$?([A-Z]{1,3})\$?([0-9]{1,7})(?::\$?([A-Z]{1,3})\$?([0-9]{1,7}))?"')
# the column letters and the row number of a cell holding something (a styled empty `<c …/>` is nothing); one
# group each, so that findall gives flat lists the set and max of C take (a tuple per cell costs 2.5 times more)
_VALUE_COLUMN = re.compile(rb' r="([A-Z]{1,3})[0-9]{1,7}"[^>]*(?<!/)>')
_VALUE_ROW = re.compile(rb' r="[A-Z]{1,3}([0-9]{1,7})"[^>]*(?<!/)>')
_FORMULA_CELL = re.compile(rb'<c\s([^>]*?)(?<!/)>((?:(?!</c>).)*?<f\b(?:(?!</c>).)*)</c>', re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
# a value, an inline string, or the empty string a text formula gave (Excel writes `t="str"` and `<v></v>`)
_HAS_VALUE = re.compile(rb'<v>\s*[^<\s]|<is>')
_TEXT_RESULT = re.compile(rb'\bt="str"')
_SHEET = re.compile(rb'<sheet\s[^>]*?name="([^"]*)"[^>]*?\br:id="([^"]*)"|<sheet\s[^>]*?\br:id="([^"]*)"[^>]*?name="([^"]*)"')
_RELATIONSHIP = re.compile(rb'<Relationship\s[^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"|<Relationship\s[^>]*?Target="([^"]*)"[^>]*?Id="([^"]*)"')


def _column(letters: bytes) -> int:
    n = 0
    for b in letters:
        n = n * 26 + b - 64
    return n - 1


def _inspect_xlsx(path: Path) -> dict[str, dict[int, list[int]]]:
    """Bounds a workbook before calamine allocates it, and finds its formula cells saved without a value.

    Returns sheet name → {row: [columns]} (0-based) of those cells. Quarantines (tep_hong) a workbook whose parts
    unpack to more than MAX_XLSX_BYTES, or a sheet whose declared dimension or written cells span more than
    MAX_SHEET_CELLS: a 5 KB file declaring A1:XFD1048576, or holding a cell there, would make calamine ask for
    hundreds of gigabytes.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
            declared = sum(m.file_size for m in members)
            if declared > MAX_XLSX_BYTES:
                raise FileRejected("tep_hong", f"workbook unpacks to {declared:,} bytes, more than {MAX_XLSX_BYTES:,}")
            names = {m.filename for m in members}
            sheets = _sheet_parts(zf, names)
            found: dict[str, dict[int, list[int]]] = {}
            for member in members:
                # every part, not only those the workbook names: a sheet it does not name is still bounded. A part
                # that unpacks to more than it declares fails here (zipfile stops at the declared size, and the CRC
                # then fails), so calamine never opens it
                scan = _SheetScan(sheets.get(member.filename, member.filename))
                with zf.open(member) as fh:
                    while chunk := fh.read(_CHUNK):
                        scan.feed(chunk)
                scan.feed(b"", final=True)
                if scan.uncomputed:
                    found[scan.name] = scan.uncomputed
            return found
    except FileRejected:
        raise
    except Exception as exc:  # not a zip, a corrupt, encrypted or lying member
        raise FileRejected("tep_hong", f"workbook cannot be opened: {type(exc).__name__}") from None


def _sheet_parts(zf: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Worksheet part → sheet name, from the workbook and its relationships."""
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    targets = {}
    for m in _RELATIONSHIP.finditer(zf.read("xl/_rels/workbook.xml.rels")):
        rid, target = (m[1], m[2]) if m[1] is not None else (m[4], m[3])
        target = target.decode("utf-8", "replace")
        targets[rid] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    parts = {}
    for m in _SHEET.finditer(zf.read("xl/workbook.xml")):
        name, rid = (m[1], m[2]) if m[1] is not None else (m[4], m[3])
        if rid in targets:
            parts[targets[rid]] = _xml_text(name)
    return parts


def _xml_text(raw: bytes) -> str:
    return html.unescape(raw.decode("utf-8", "replace"))


@dataclass
class _SheetScan:
    """One sheet's XML, streamed: its declared and written extent, and its formula cells without a value."""

    name: str
    pending: bytes = b""
    first: bool = True
    rows: int = 0
    columns: int = 0
    uncomputed: dict[int, list[int]] = field(default_factory=dict)

    def feed(self, chunk: bytes, final: bool = False) -> None:
        data = self.pending + chunk
        ends = [i + len(tag) for tag in (b"</c>", b"</row>") if (i := data.rfind(tag)) >= 0]
        cut = len(data) if final else max(ends, default=0)
        segment, self.pending = data[:cut], data[cut:]
        if len(self.pending) > _MAX_PENDING:
            raise FileRejected("tep_hong", f"sheet {self.name!r} has a cell or row of more than {_MAX_PENDING:,} bytes")
        if self.first and (m := _DIMENSION.search(data)):
            self.first = False
            c1, r1 = _column(m[1]), int(m[2]) - 1
            c2, r2 = (_column(m[3]), int(m[4]) - 1) if m[3] else (c1, r1)
            if m[3] is None:
                c1 = r1 = 0  # a single reference read as the rectangle from A1, as a naive reader would
            self._bound((r2 - r1 + 1) * (c2 - c1 + 1), "declares")
        letters = set(_VALUE_COLUMN.findall(segment))
        if letters:
            self.columns = max(self.columns, max(map(_column, letters)) + 1)
            self.rows = max(self.rows, max(map(int, set(_VALUE_ROW.findall(segment)))))
        self._bound(self.rows * self.columns, "has cells over")
        if b"<f" in segment:
            for m in _FORMULA_CELL.finditer(segment):
                ref = _REF.search(m[1])
                if ref and not _HAS_VALUE.search(m[2]) and not (_TEXT_RESULT.search(m[1]) and b"<v" in m[2]):
                    self.uncomputed.setdefault(int(ref[2]) - 1, []).append(_column(ref[1]))

    def _bound(self, cells: int, verb: str) -> None:
        if cells > MAX_SHEET_CELLS:
            raise FileRejected("tep_hong", (
                f"sheet {self.name!r} {verb} {cells:,} cells, more than {MAX_SHEET_CELLS:,}; "
                "delete the empty rows and columns after the list, or split it"))


# ---------------------------------------------------------------- header and data rows
@dataclass
class Table:
    header: list[str]                       # titles as written (for the quarantine's raw cells)
    positions: dict[str, int]               # field → column index
    rows: Iterator[tuple[int, list[Any]]]   # data rows only: (row number, cells)
    notes: list[str] = field(default_factory=list)  # for the file's message, complete once rows are read


class NoTable(FileRejected):
    """A file or sheet with no header (thieu_cot) or no records (tep_hong); `content`: it was not blank."""

    def __init__(self, reason: str, message: str, content: bool):
        super().__init__(reason, message)
        self.content = content


def open_table(path: Path, encoding: str | None, layout: Layout, is_csv: bool) -> Table:
    """The header and data rows of a landing file: a CSV, or every sheet of a workbook that has the header."""
    if is_csv:
        return table(csv_records(path, encoding or "utf-8-sig"), layout)
    return workbook_table(xlsx_records(path), layout)


def workbook_table(sheets: Iterator[tuple[str, int, bool, Iterator[tuple[int, list[Any]]]]], layout: Layout) -> Table:
    """The first sheet with the header, then the rows of every later sheet with it, in the first one's columns.

    A sheet with something in it but no header, or hidden, is not read: the table's notes name it.
    """
    notes: list[str] = []
    problem: NoTable | None = None
    for name, _, visible, records in sheets:
        found = _sheet_table(name, visible, records, layout, notes)
        if isinstance(found, Table):
            found.rows = itertools.chain(found.rows, _later_sheets(sheets, found, layout, notes))
            found.notes = notes
            return found
        problem = problem or found
    raise problem or NoTable("tep_hong", "empty workbook", False)


def _sheet_table(name: str, visible: bool, records: Iterator[tuple[int, list[Any]]], layout: Layout,
                 notes: list[str]) -> Table | NoTable | None:
    """A sheet's table; else the reason it has none (noted when the sheet is not blank), None when blank."""
    try:
        if not visible:
            raise NoTable("tep_hong", "hidden sheet", False)
        return table(records, layout)
    except NoTable as exc:
        if exc.content or any(not _is_blank(cells) for _, cells in records):
            notes.append(f"sheet {name!r} not read ({exc.message})")
            return exc
        return None


def _later_sheets(sheets, first: Table, layout: Layout, notes: list[str]) -> Iterator[tuple[int, list[Any]]]:
    for name, _, visible, records in sheets:
        found = _sheet_table(name, visible, records, layout, notes)
        if isinstance(found, Table):
            yield from _in_columns_of(first, found)


def _in_columns_of(first: Table, other: Table) -> Iterator[tuple[int, list[Any]]]:
    """`other`'s rows with their cells moved to `first`'s columns (by field, else by title); its other columns
    follow, so that the quarantine still shows them."""
    fields = {index: name for name, index in first.positions.items()}
    titles = {ids.fold(t): i for i, t in enumerate(other.header)}
    mapping = [other.positions.get(fields[i]) if i in fields else titles.get(ids.fold(t))
               for i, t in enumerate(first.header)]
    used = set(mapping)
    extra = [i for i in range(len(other.header)) if i not in used]
    if mapping == list(range(len(other.header))):
        yield from other.rows
        return
    for number, cells in other.rows:
        width = len(cells)
        moved = [cells[j] if j is not None and j < width else None for j in mapping]
        yield number, moved + [cells[j] for j in extra if j < width] + cells[len(other.header):]


def _is_blank(cells: list[Any]) -> bool:
    return all(ids.clean_text(c) == "" for c in cells) and UNCOMPUTED not in cells


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
        raise NoTable("thieu_cot", "missing column(s): " + ", ".join(missing), True)


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
    """CONTRACT §3: STT is a whole number, or a name together with a birth date or an ID; or one of its fields
    is a formula saved without a value (so that a workbook of such formulas is not an empty file)."""
    if ids.is_whole_number(_cell(cells, positions, "stt")):
        return True
    if UNCOMPUTED in cells and any(type(_cell(cells, positions, name)) is Uncomputed for name in positions):
        return True
    name = _cell(cells, positions, "ho_ten")
    if not ids.clean_text(name) and not ids.has_invisible(name):  # a name of zero-width characters is thieu_ho_ten
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
            raise NoTable("tep_hong", "empty file", False)
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
        raise NoTable("tep_hong", "empty file", False)
    if best is None:
        raise NoTable("thieu_cot", "no header row found; missing column(s): " + ", ".join(layout.required_titles),
                      any(not _is_blank(cells) for _, cells in seen))
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
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value  # jsonb cannot hold NUL
    if value is None or isinstance(value, int | bool):
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
