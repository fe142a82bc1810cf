"""Write officer-made spreadsheets (titles, header, column numbers, data, footer) as xlsx or CSV.

Each writer returns the row number (CONTRACT §3) of every data row it wrote, in order.
"""

from __future__ import annotations

import csv
import io
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from tiemnang_tools.generate.names import cp1258_bytes, strip_diacritics


@dataclass(slots=True)
class Look:
    """How one file is laid out: chosen once per file, so files differ from one another."""

    fmt: str = "xlsx"  # xlsx | csv
    encoding: str = "utf-8"  # utf-8 | utf-8-sig | cp1258 (CSV only)
    header_case: str = "as_is"  # as_is | upper | lower | bare (no diacritics) | bare_upper
    order: list[int] = field(default_factory=list)  # column permutation
    number_row: bool = True
    blank_before_header: bool = True
    footer: bool = True
    excel_dates: bool = False  # date cells instead of dd/mm/yyyy text (xlsx only)
    upper_names: bool = False
    bare_names: float = 0.0  # share of names typed without diacritics

    def header(self, title: str) -> str:
        if self.header_case == "upper":
            return title.upper()
        if self.header_case == "lower":
            return title.lower()
        if self.header_case == "bare":
            return strip_diacritics(title)
        if self.header_case == "bare_upper":
            return strip_diacritics(title).upper()
        return title


def random_look(rng: random.Random, ncols: int, *, allow_cp1258: bool, xlsx_share: float = 0.5) -> Look:
    order = list(range(ncols))
    if rng.random() < 0.3:
        rng.shuffle(order)
    fmt = "xlsx" if rng.random() < xlsx_share else "csv"
    if fmt == "csv":
        encodings = ["utf-8", "utf-8-sig"] + (["cp1258"] if allow_cp1258 else [])
        encoding = rng.choice(encodings)
    else:
        encoding = "utf-8"
    return Look(
        fmt=fmt,
        encoding=encoding,
        header_case=rng.choice(("as_is", "as_is", "upper", "lower", "bare", "bare_upper")),
        order=order,
        number_row=rng.random() < 0.5,
        blank_before_header=rng.random() < 0.6,
        footer=rng.random() < 0.8,
        excel_dates=fmt == "xlsx" and rng.random() < 0.5,
        upper_names=rng.random() < 0.15,
        bare_names=0.0 if rng.random() < 0.7 else 0.3,
    )


Cell = str | int | date | None
_CREATED = datetime(2026, 1, 1)


def write_sheet(path: Path, look: Look, titles: list[str], headers: list[str], rows: list[list[Cell]],
                footer: list[list[Cell]]) -> list[int]:
    """Write one list; `rows` and `headers` are in canonical column order (`look.order` permutes them)."""
    order = look.order or list(range(len(headers)))
    hdr = [look.header(headers[i]) for i in order]
    body = [[row[i] for i in order] for row in rows]
    if look.fmt == "xlsx":
        return _write_xlsx(path, look, titles, hdr, body, footer)
    return _write_csv(path, look, titles, hdr, body, footer)


def _write_xlsx(path: Path, look: Look, titles, hdr, body, footer) -> list[int]:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "in_memory": False})
    wb.set_properties({"created": _CREATED})  # fixed, so a seed gives byte-identical files
    ws = wb.add_worksheet("Danh sách" if len(titles) % 2 else "Sheet1")
    bold = wb.add_format({"bold": True})
    datefmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    r = 0
    for title in titles:
        ws.write_string(r, 0, title, bold)
        r += 1
    if look.blank_before_header:
        r += 1
    for c, title in enumerate(hdr):
        ws.write_string(r, c, title, bold)
    r += 1
    if look.number_row:
        for c in range(len(hdr)):
            ws.write_number(r, c, c + 1)
        r += 1
    numbers = []
    for row in body:
        for c, v in enumerate(row):
            if v is None or v == "":
                continue
            if isinstance(v, int):
                ws.write_number(r, c, v)
            elif isinstance(v, date):
                ws.write_datetime(r, c, v, datefmt)
            else:
                ws.write_string(r, c, v)
        numbers.append(r + 1)
        r += 1
    for row in footer:
        for c, v in enumerate(row):
            if v not in (None, ""):
                ws.write(r, c, v)
        r += 1
    wb.close()
    return numbers


def _cell_text(v: Cell) -> str:
    if v is None:
        return ""
    if isinstance(v, date):
        return v.strftime("%d/%m/%Y")
    return str(v)


def _write_csv(path: Path, look: Look, titles, hdr, body, footer) -> list[int]:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n" if look.encoding != "utf-8" else "\n")
    width = len(hdr)
    line = 0
    for title in titles:
        w.writerow([title] + [""] * (width - 1))
        line += 1
    w.writerow(hdr)
    line += 1
    if look.number_row:
        w.writerow([str(c + 1) for c in range(width)])
        line += 1
    numbers = []
    for row in body:
        w.writerow([_cell_text(v) for v in row])
        line += 1
        numbers.append(line)
    if footer:
        w.writerow([])
        for row in footer:
            w.writerow([_cell_text(v) for v in row] + [""] * max(0, width - len(row)))
    text = buf.getvalue()
    if look.encoding == "cp1258":
        path.write_bytes(cp1258_bytes(text))
    else:
        path.write_bytes(unicodedata.normalize("NFC", text).encode(look.encoding))
    return numbers
