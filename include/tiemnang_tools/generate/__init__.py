"""Synthetic landing zone with ground truth: `generate(out, persons, seed)` (CONTRACT §2 layouts).

Writes `OUT/landing/` (register, tax, schools, welfare deliveries around the reference dates, with the
mess real deliveries have) and `OUT/truth/`, described in `OUT/truth/README.md` (text: `TRUTH_README`).
"""

from __future__ import annotations

import csv
import logging
import time
from datetime import date
from pathlib import Path

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
             truth_lists: bool | None = None, communes: int | None = None, profile: str = "default") -> dict:
    """Generate `OUT/landing` and `OUT/truth` for `persons` register persons; deterministic for a seed.

    `profile` names a noise profile (`generate/profiles.py`); `default` is the world made before profiles.

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
    summary = world.run()
    if world.noisy:
        summary["profile"] = {"name": world.profile.name, **world.profile.knobs()}
    readme = TRUTH_README
    if world.noisy:
        readme += PROFILE_README.format(name=world.profile.name, knobs=", ".join(
            f"`{k}` {v:g}" for k, v in world.profile.knobs().items()))
    (out / "truth" / "README.md").write_text(readme, encoding="utf-8")
    if truth_lists:
        summary["expected"] = {}
        for day in refs:
            lists = expected_lists(world.dv, day)
            folder = out / "truth" / "expected" / day.isoformat()
            folder.mkdir(parents=True, exist_ok=True)
            for name, columns in _LIST_COLUMNS.items():
                with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
                    writer = csv.DictWriter(fh, columns, lineterminator="\n")
                    writer.writeheader()
                    writer.writerows(lists[name])
            summary["expected"][day.isoformat()] = {name: len(rows) for name, rows in lists.items()}
    summary.update(seed=seed, seconds=round(time.monotonic() - started, 1))
    (out / "truth" / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    log.info("generated %s persons (seed %s) into %s in %.1fs", persons, seed, out, summary["seconds"])
    return summary
