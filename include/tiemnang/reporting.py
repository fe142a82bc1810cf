"""Per-province summary of what was published: rows per list for the latest weeks."""

from __future__ import annotations

from tiemnang import config, db


def published_counts(conninfo: str, weeks: int) -> list[tuple]:
    with db.connect(conninfo) as conn:
        return db.fetch(conn, "gate/published_counts", {"weeks": weeks})


def print_summary(weeks: int = 2) -> None:
    rows = published_counts(config.warehouse_conninfo(), weeks)
    if not rows:
        print("nothing published yet")
        return
    print(f"{'tỉnh':<6}{'tuần':<10}{'tiem_nang':>11}{'don_vi':>9}{'den_han':>9}  tên tỉnh")
    totals: dict[str, list[int]] = {}
    for ma_tinh, ten_tinh, tuan, n_tn, n_dv, n_dh in rows:
        print(f"{ma_tinh:<6}{tuan:<10}{n_tn:>11}{n_dv:>9}{n_dh:>9}  {ten_tinh}")
        t = totals.setdefault(tuan, [0, 0, 0, 0])
        t[0] += 1
        t[1] += n_tn
        t[2] += n_dv
        t[3] += n_dh
    for tuan, (n, tn, dv, dh) in sorted(totals.items()):
        print(f"week {tuan}: {n} provinces published, {tn} potential participants, {dv} enterprises, {dh} due to pay")
