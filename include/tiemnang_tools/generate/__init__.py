"""Synthetic landing zone with ground truth: `generate(out, persons, seed)` (CONTRACT §2 layouts).

Writes `OUT/landing/` (register, tax, schools, welfare, reference and collection deliveries around the reference
dates, with the mess real deliveries have) and `OUT/truth/`, described in `OUT/truth/README.md` (text: `TRUTH_README`).
"""

from __future__ import annotations

import csv
import logging
import time
from datetime import date
from pathlib import Path

from tiemnang_tools.generate.collection import TRUTH_COLUMNS as COLLECTION_COLUMNS
from tiemnang_tools.generate.collection import Collection
from tiemnang_tools.generate.oracle import expected_lists
from tiemnang_tools.generate.world import World

log = logging.getLogger(__name__)

DEFAULT_REFERENCE_DATES = (date(2026, 11, 13), date(2026, 11, 20))
TRUTH_LISTS_LIMIT = 200_000

TRUTH_README = """# Ground truth of a generated landing zone

All files are UTF-8 CSV with a header row. `person_uid` is the true identity of a human (integer).

- `persons.csv` — one row per human: `person_uid`, true `so_ddcn` (empty = has none), `ma_so_bhxh`
  (empty = has none), `ho_ten` (NFC), `ngay_sinh` (`YYYY-MM-DD`, `YYYY-MM` or `YYYY`), `gioi_tinh`
  (1 male, 2 female), `ma_xa` (residence), `id_nguoi` (register id of the person's first record; empty = not
  in the register).
- `duplicate_records.csv` — one row per second register record of a person (CONTRACT §4.5 `HO_SO_TRUNG`):
  `person_uid`, its `id_nguoi`, `so_ddcn`, `ma_so_bhxh`, `ho_ten`, `ngay_sinh`, `ma_xa`, `ma_ho` as written,
  `tu_ngay` (the first register snapshot carrying it), `noise` (`ho_so_trung` and how it differs: `ma_so_bhxh_khac`,
  `khong_so_ddcn`, `khong_dau`, `chu_hoa`, `ten_dem_bo`, `chi_nam_sinh`, `xa_khac`). Its row is in `records.csv`
  under the same `person_uid`.
- `records.csv` — one row per data row of the landing files that stands for a person or a unit:
  `path` (relative to the landing root), `dong` (CONTRACT §3 row number: Excel row, or CSV record
  position with the first record = 1), `person_uid` (a person, or `DV:<true ma_so_thue>` for
  `employers.csv` / `enterprises.csv` rows), `expected` (`accepted` / `quarantined`), `reasons`
  (expected quarantine codes, `;`-joined; a file-level code such as `ten_tep_khong_hop_le` on every
  row of a quarantined file), `noise` (injected problems that do not quarantine the row, `;`-joined:
  `khong_dau`, `chu_hoa`, `thua_dau_cach`, `ddcn_thieu`, `ddcn_sai_mot_so`, `ddcn_sai_gioi_tinh`,
  `ddcn_sai_nam_sinh`, `ddcn_sai_cau_truc`, `ngay_sinh_thieu`, `ngay_sinh_excel`,
  `ngay_sinh_khong_day_du`, `ma_so_thue_cu`, …). Coverage rows and `schools.csv` rows are not listed.
- `files.csv` — one row per school/welfare file: `path`, `source`, `expected` (`accepted`,
  `quarantined`, `not_ready` = its folder has no `_READY`), `reasons`, `note` (format and encoding,
  or `byte-identical re-delivery of <path>`). Register and tax files are always readable.
- `expected/<D>/` (when lists are computed) — what CONTRACT §4 gives for reference date D over the
  deliveries in force on D, with perfect matching (`generate/oracle.py`):
  `tiem_nang.csv` (`person_uid`, `nhom`, `ly_do` `;`-joined in priority order, `ma_xa`),
  `unplaced.csv` (same columns, leads whose commune cannot be known),
  `den_han_dong.csv` (`id_nguoi`, `loai`, `han_dong`, `phuong_thuc`, `so_tien`),
  `don_vi_tiem_nang.csv` (`ma_so_thue`, `loai`, `so_lao_dong_thue`, `so_lao_dong_bhxh`),
  `the_trung.csv` (`person_uid`, `loai` `THE_TRUNG`/`HO_SO_TRUNG`, `ma_xa`, `so_the` (BHYT cards covering D),
  `id_nguoi` (the person's register records, ascending, `;`-joined), `ma_doi_tuong` (the covering cards' object
  codes, sorted, `;`-joined)),
  `don_vi_no_dong.csv` (`ma_don_vi`, `so_thang_no`, `so_tien_no`, `ky_no_tu`).
  With a collection/ source (the default) `tiem_nang.csv` and `den_han_dong.csv` are the lists *before* the
  exclusions of §4.7; the collection part adds (`generate/collection.py`):
  `loai_tru.csv` (`danh_sach`, `person_uid`, `id_nguoi`, `nhom` = group or due type, `ma_xa`, `thon`, `ket_qua`,
  `ngay_ket_qua`, `ma_dai_ly` = the agent of that latest result) — the rows §4.7 removes;
  `phan_cong.csv` (the same keys, then `thon`, `ma_dai_ly`, `cach` = `khong_co` / `giu` / `duy_nhat` / `can_bang`,
  `co_dinh` = 1 when the agent does not depend on the order of rows, `ung_vien` = the candidates `;`-joined,
  `ket_qua_gan_nhat`, `ngay_ket_qua`) — every remaining row with its assignment and latest result;
  `da_tham_gia.csv` (last week's rows that count as joined this week: §4.4 for tiem_nang, a later spell for
  den_han_dong); `tien_do.csv` (`nam`, `ma_xa`, `nhom`, `chi_tieu`, `da_dat`, `ty_le`) and `tien_do_dai_ly.csv`
  (`ma_dai_ly`, `ten_dai_ly`, `ma_xa`, `so_duoc_giao`, `so_co_ket_qua`, `so_da_tham_gia`). The truth takes every
  reference date as published, in order (the first one is the first published week).
- `collection/` — what the collection deliveries hold: `dai_ly_thu.csv` and `chi_tieu.csv` (`ngay_giao` = the
  delivery, then the file's columns; accepted rows), `ket_qua.csv` (`ngay_giao`, `person_uid` — `KQ:<n>` for a
  person known to no other source — `ma_dai_ly`, `ma_xa`, `ngay`, `ket_qua`: every accepted result row), and
  `vai_tro.csv` (which agent plays which part: `hamlet`, `leaving`, `newcomer`, `mid_year`, `two_communes`, and
  the commune `khong_co_dai_ly` without any). In `records.csv` agents are `DL:<ma_dai_ly>`, targets
  `CT:<nam>:<ma_xa>:<nhom>`; result-row noise: `ddcn_thieu`, `ten_sai_chinh_ta` (the agent's typo), `khong_dau`,
  `chu_hoa`, `ngay_sinh_excel`, `ngay_excel`; agents' hamlets written otherwise than the lists: `thon_khac_cach_viet`.
- `summary.json` — counts and parameters of the run.
"""

PROFILE_README = """
## Noise profile `{name}`

This world was made with the noise profile `{name}` (`tiemnang_tools/generate/profiles.py`): {knobs}.
Its row-level noise codes in `records.csv` `noise`: `ten_dem_bo` (middle name omitted), `ten_dem_viet_tat`
(middle name abbreviated), `dao_ngay_thang` (day and month swapped), `chi_nam_sinh` (birth year only),
`ddcn_dao_so` (two neighbouring digits of so_ddcn transposed), `cmnd_cu` (the old 9-digit CMND in the
so_ddcn column), besides `khong_dau` and `chu_hoa`. Structural knobs (schools in another province, employers
in another commune, twins, common names) change the world itself and are visible in `persons.csv` and the
landing files.
"""

_LIST_COLUMNS = {
    "tiem_nang": ["person_uid", "nhom", "ly_do", "ma_xa"],
    "unplaced": ["person_uid", "nhom", "ly_do", "ma_xa"],
    "den_han_dong": ["id_nguoi", "loai", "han_dong", "phuong_thuc", "so_tien"],
    "don_vi_tiem_nang": ["ma_so_thue", "loai", "so_lao_dong_thue", "so_lao_dong_bhxh"],
    "the_trung": ["person_uid", "loai", "ma_xa", "so_the", "id_nguoi", "ma_doi_tuong"],
    "don_vi_no_dong": ["ma_don_vi", "so_thang_no", "so_tien_no", "ky_no_tu"],
}


def generate(out: Path, persons: int, seed: int, reference_dates: list[date] | None = None,
             truth_lists: bool | None = None, communes: int | None = None, profile: str = "default",
             collection: bool = True) -> dict:
    """Generate `OUT/landing` and `OUT/truth` for `persons` register persons; deterministic for a seed.

    `profile` names a noise profile (`generate/profiles.py`); `default` is the world made before profiles.

    `collection` adds the collection/ source (agents, targets, field results; `generate/collection.py`) and its
    truth; it draws from a stream of its own, so every other landing file is the same with or without it.

    `communes` spreads the world over that many communes (in as many provinces as possible, up to 34);
    by default a world gets one commune per ~3,000 persons and one province per ~8 communes.
    """
    import json

    started = time.monotonic()
    out = Path(out)
    refs = sorted(reference_dates or DEFAULT_REFERENCE_DATES)
    if truth_lists is None:
        truth_lists = persons <= TRUTH_LISTS_LIMIT
    world = World(out, persons, seed, refs, truth_lists, communes, profile)
    coll = Collection(world) if collection else None
    summary = world.run()
    lists = {day: expected_lists(world.dv, day) for day in refs} if truth_lists else {}
    if coll is not None:
        summary["collection"] = coll.write(lists)
    if world.noisy:
        summary["profile"] = {"name": world.profile.name, **world.profile.knobs()}
    readme = TRUTH_README
    if world.noisy:
        readme += PROFILE_README.format(name=world.profile.name, knobs=", ".join(
            f"`{k}` {v:g}" for k, v in world.profile.knobs().items()))
    (out / "truth" / "README.md").write_text(readme, encoding="utf-8")
    if truth_lists:
        summary["expected"] = {}
        collected = coll.truth(lists) if coll is not None else {}
        for day in refs:
            folder = out / "truth" / "expected" / day.isoformat()
            folder.mkdir(parents=True, exist_ok=True)
            tables = [(name, columns, lists[day][name]) for name, columns in _LIST_COLUMNS.items()]
            tables += [(name, columns, collected[day][name]) for name, columns in COLLECTION_COLUMNS.items()
                       if day in collected]
            for name, columns, rows in tables:
                with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
                    writer = csv.DictWriter(fh, columns, lineterminator="\n")
                    writer.writeheader()
                    writer.writerows(rows)
            summary["expected"][day.isoformat()] = {name: len(rows) for name, _, rows in tables}
    summary.update(seed=seed, seconds=round(time.monotonic() - started, 1))
    (out / "truth" / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    log.info("generated %s persons (seed %s) into %s in %.1fs", persons, seed, out, summary["seconds"])
    return summary
