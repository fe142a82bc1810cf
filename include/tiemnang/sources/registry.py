"""The sources of CONTRACT §2, declared once: discovery, the ingest DAGs, their Assets, the build's schedule,
what a build needs in force, and the monitor all read this table. A new source is one declaration here,
its layouts (sources/layouts.py), its expectation suites (quality/suites.py), one DAG file and its SQL."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    name: str                            # landing folder; DAG ingest_<name>_nightly; asset tiemnang_staged_<name>
    label: str                           # who delivers it, in Vietnamese (monitor page)
    files: tuple[str, ...] = ()          # the fixed file names it delivers (kind = name without .csv); empty
                                         # when its files are named per school or commune (schools, welfare)
    # what a build for D needs of it in force: None = nothing (an optional source), () = at least one file,
    # kinds = one file of each of them (a build without them refuses, building nothing)
    required: tuple[str, ...] | None = ()
    # a folder of a delivery whose every file (.xlsx or .csv, any name, also in subfolders) is of the kind named
    # like the folder, and stays in force for good (its file_key is its own path): the collection's results
    results: str | None = None


SOURCES: tuple[Source, ...] = (
    Source("register", "Cơ sở dữ liệu BHXH",
           ("persons.csv", "coverage.csv", "employers.csv", "contributions.csv"),
           required=("persons", "coverage", "employers")),
    Source("tax", "Cơ quan thuế", ("enterprises.csv", "household_businesses.csv", "wage_earners.csv")),
    Source("schools", "Trường học"),
    Source("welfare", "UBND xã (danh sách chính sách)"),
    Source("reference", "Danh mục (xã an toàn khu)", ("xa_atk.csv",), required=None),
    Source("collection", "Đại lý thu, tổ chức dịch vụ thu", ("dai_ly_thu.csv", "chi_tieu.csv"), required=None,
           results="ket_qua"),
)

NAMES: tuple[str, ...] = tuple(s.name for s in SOURCES)
BY_NAME: dict[str, Source] = {s.name: s for s in SOURCES}

# The register's snapshot: its files are one extract and are used together or not at all (contributions.csv,
# optional, is in force from the latest register delivery that has it).
SNAPSHOT_KINDS = frozenset(BY_NAME["register"].required or ())

# The kinds whose files accumulate (every file ever delivered is in force): the sources' result folders.
ACCUMULATING_KINDS = frozenset(s.results for s in SOURCES if s.results)


def required_kinds() -> dict[str, tuple[str, ...]]:
    """{source: kinds a build needs in force} for every source a build cannot do without."""
    return {s.name: s.required for s in SOURCES if s.required is not None}
