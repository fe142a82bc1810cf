"""Per-province summary of what was published: rows per list for the latest weeks, and each week's totals."""

from __future__ import annotations

from tiemnang import config, db
from tiemnang.publish import schemas

# The lists of a week's totals, in the order printed (the_trung also by loai)
LISTS = ("tiem_nang", "don_vi_tiem_nang", "den_han_dong", "the_trung", "don_vi_no_dong")
THE_TRUNG_LOAI = ("THE_TRUNG", "HO_SO_TRUNG")


def published_counts(conninfo: str, weeks: int) -> list[tuple]:
    """(ma_tinh, ten_tinh, tuan, tiem_nang, don_vi_tiem_nang, den_han_dong, the_trung, don_vi_no_dong) per
    province publication of the latest `weeks` weeks; the last two are None for a publication logged before them."""
    with db.connect(conninfo) as conn:
        return db.fetch(conn, "gate/published_counts", {"weeks": weeks})


def week_totals(conninfo: str, weeks: int) -> dict[str, dict[str, int]]:
    """{tuan: {"provinces": …, <list>: rows over every province, "THE_TRUNG": …, "HO_SO_TRUNG": …}} of the latest
    `weeks` published weeks; the_trung by loai is counted in the provinces' published history tables."""
    rows = published_counts(conninfo, weeks)
    totals: dict[str, dict[str, int]] = {}
    for _, _, tuan, *counts in rows:
        t = totals.setdefault(tuan, dict.fromkeys(("provinces", *LISTS, *THE_TRUNG_LOAI), 0))
        t["provinces"] += 1
        for name, n in zip(LISTS, counts, strict=True):
            t[name] += n or 0
    with db.connect(conninfo) as conn:
        for ma_tinh in sorted({r[0] for r in rows}):
            for tuan, loai, n in db.fetch(conn, "gate/published_the_trung", {"weeks": weeks},
                                          identifiers={"schema": schemas.schema_name(ma_tinh)}):
                if tuan in totals:
                    totals[tuan][loai] = totals[tuan].get(loai, 0) + n
    return totals


def _n(value: int | None) -> str:
    return "-" if value is None else str(value)


def print_summary(weeks: int = 2, conninfo: str | None = None) -> None:
    conninfo = conninfo or config.warehouse_conninfo()
    rows = published_counts(conninfo, weeks)
    if not rows:
        print("nothing published yet")
        return
    print(f"{'tỉnh':<6}{'tuần':<10}{'tiem_nang':>11}{'don_vi':>9}{'den_han':>9}{'the_trung':>11}{'no_dong':>9}"
          "  tên tỉnh")
    for ma_tinh, ten_tinh, tuan, n_tn, n_dv, n_dh, n_tt, n_nd in rows:
        print(f"{ma_tinh:<6}{tuan:<10}{n_tn:>11}{n_dv:>9}{n_dh:>9}{_n(n_tt):>11}{_n(n_nd):>9}  {ten_tinh}")
    for tuan, t in sorted(week_totals(conninfo, weeks).items()):
        print(f"week {tuan}: {t['provinces']} provinces published; rows over all of them:")
        for name in LISTS:
            by_loai = (" (" + ", ".join(f"{loai} {t[loai]}" for loai in THE_TRUNG_LOAI) + ")"
                       if name == "the_trung" else "")
            print(f"  {name:<18}{t[name]:>9}{by_loai}")
