"""An independent, literal reading of CONTRACT §4 over what was delivered, with perfect identities.

The generator records every accepted row it writes (`Delivered`); `expected_lists(delivered, D)` takes the
deliveries in force on D (ready, dated ≤ D, latest per CONTRACT §2) and applies the rules in plain Python.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

GROUPS = ("BB_NLD", "BB_CHU_HKD", "NSNN_DONG", "HO_TRO_CAN_NGHEO", "HO_TRO_DTTS", "HO_TRO_HSSV",
          "HO_TRO_NLNDM", "DUNG_BHXH_TN", "DUNG_BHYT_GD", "THANH_VIEN_HO",
          # revision 2; XA_ATK needs reference/xa_atk.csv, which the generator does not deliver yet
          "DUNG_BHXH_BB", "HET_HAN_BHYT", "CAO_TUOI", "XA_ATK")

# Dated parameters (CONTRACT §4.3): (effective from, value).
BASE_SALARY = ((date(2024, 7, 1), 2_340_000), (date(2026, 7, 1), 2_530_000))
RURAL_POVERTY_LINE = ((date(2021, 1, 1), 1_500_000),)
DUE_HORIZON_DAYS = 30
GD_FACTORS = {1: Decimal("1"), 2: Decimal("0.7"), 3: Decimal("0.6"), 4: Decimal("0.5")}
SUPPORT_RATES = (("HN", Decimal("0.5")), ("CN", Decimal("0.4")), ("DTTS", Decimal("0.3")))
DEFAULT_SUPPORT = Decimal("0.2")


@dataclass(slots=True)
class Spell:
    id_nguoi: int
    loai: str
    ma_doi_tuong: str
    ma_don_vi: str
    tu_ngay: date
    den_ngay: date | None
    phuong_thuc: int | None
    muc_thu_nhap: int | None
    thu_tu_trong_ho: int | None
    rec: date  # first register snapshot date that carries this spell

    def covers(self, day: date) -> bool:
        return self.tu_ngay <= day and (self.den_ngay is None or day <= self.den_ngay)


@dataclass
class Delivered:
    """Accepted content of every delivery, keyed by true identity (`uid`)."""

    register_dates: list[tuple[date, bool]] = field(default_factory=list)
    # one per register record: uid, id_nguoi, ma_xa, ma_ho, rec, birth (first day of the person's birth date as
    # known); a human with duplicate records (CONTRACT §4.5) has several, the first one the lowest id_nguoi
    persons: list[tuple[int, int, str, str, date, date]] = field(default_factory=list)
    spells: list[Spell] = field(default_factory=list)
    employers: list[tuple[str, str, str, date]] = field(default_factory=list)  # ma_don_vi,mst,ma_xa,rec
    # kind → [(date, ready, rows)]; enterprises rows (mst, ma_xa, trang_thai, so_lao_dong),
    # household_businesses (uid, ma_xa, phuong_phap), wage_earners (uid, mst_don_vi, ky, loai_hop_dong)
    tax: dict[str, list[tuple[date, bool, list]]] = field(default_factory=lambda: defaultdict(list))
    school_dirs: list[tuple[date, bool, list[tuple[str, str]]]] = field(default_factory=list)
    rosters: list[tuple[date, bool, str, list[int]]] = field(default_factory=list)
    # (date, ready, file name, commune, rows (uid, doi_tuong, ma_ho, birth as first day))
    welfare: list[tuple[date, bool, str, str, list[tuple[int, str, str, date]]]] = field(default_factory=list)
    # contributions.csv rows: (register snapshot date, ma_don_vi, ky, phai_dong, da_dong)
    contributions: list[tuple[date, str, str, int, int]] = field(default_factory=list)
    # reference/xa_atk.csv deliveries: (date, ready, communes)
    atk: list[tuple[date, bool, list[str]]] = field(default_factory=list)


def param(table, day: date):
    value = None
    for since, v in table:
        if since <= day:
            value = v
    return value


def round_vnd(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def month_end(ky: str) -> date:
    y, m = int(ky[:4]), int(ky[5:7])
    return date(y, m, calendar.monthrange(y, m)[1])


def _latest(items, day: date, key):
    """Latest ready item dated ≤ day per key (items are (date, ready, ...))."""
    chosen = {}
    for item in sorted(items, key=lambda it: it[0]):
        if item[1] and item[0] <= day:
            chosen[key(item)] = item
    return chosen


def expected_lists(dv: Delivered, day: date) -> dict[str, list[dict]]:
    """tiem_nang, den_han_dong, don_vi_tiem_nang, the_trung, don_vi_no_dong and unplaced for reference date `day`."""
    snaps = [d for d, ready in dv.register_dates if ready and d <= day]
    snap = max(snaps) if snaps else None
    # a person's register records in force (id_nguoi, ma_xa, ma_ho), ascending; a human may have several (§4.5)
    records: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    born: dict[int, tuple[int, date]] = {}
    for uid, idn, xa, ho, rec, birth in dv.persons:
        if snap and rec <= snap:
            records[uid].append((idn, xa, ho))
            if uid not in born or idn < born[uid][0]:
                born[uid] = (idn, birth)
    for recs in records.values():
        recs.sort()
    # the register residence and household are the first record's (lowest id_nguoi), as the person's id_nguoi
    reg = {uid: recs[0] for uid, recs in records.items()}
    born = {uid: birth for uid, (_, birth) in born.items()}
    uid_of = {idn: uid for uid, recs in records.items() for idn, _, _ in recs}
    ho_of = {idn: ho for recs in records.values() for idn, _, ho in recs}
    spells: dict[int, list[Spell]] = defaultdict(list)
    for s in dv.spells:
        if snap and s.rec <= snap and s.id_nguoi in uid_of:
            spells[uid_of[s.id_nguoi]].append(s)
    units = {mdv: (mst, xa) for mdv, mst, xa, rec in dv.employers if snap and rec <= snap}

    def has(uid: int, loai: str, on: date) -> bool:
        return any(s.loai == loai and s.covers(on) for s in spells.get(uid, ()))

    tax = {kind: _latest(files, day, lambda it: 0).get(0) for kind, files in dv.tax.items()}
    enterprises = tax.get("enterprises")[2] if tax.get("enterprises") else []
    ent_commune = {mst: xa for mst, xa, _, _ in enterprises}

    hits: dict[int, dict[str, str]] = defaultdict(dict)  # uid → nhom → commune (latest delivery wins)

    def hit(uid: int, nhom: str, xa: str | None) -> None:
        hits[uid][nhom] = xa

    wage = tax.get("wage_earners")
    if wage:
        rows = wage[2]
        last_ky = max((r[2] for r in rows), default=None)
        for uid, mst, ky, contract in rows:
            if ky == last_ky and contract in ("KXD", "XD") and not has(uid, "BHXH_BB", month_end(ky)):
                xa = ent_commune.get(mst) or (reg[uid][1] if uid in reg else None)
                hit(uid, "BB_NLD", xa)
    hkd = tax.get("household_businesses")
    if hkd:
        for uid, xa, method in hkd[2]:
            if method == "KE_KHAI" and not has(uid, "BHXH_BB", day) and not has(uid, "BHXH_TN", day):
                hit(uid, "BB_CHU_HKD", xa)

    welfare = sorted(_latest(dv.welfare, day, lambda it: it[2]).values(), key=lambda it: it[0])
    cn_households = {(xa, ho) for _, _, _, xa, rows in welfare for _, cat, ho, _ in rows if cat == "CN" and ho}
    categories: dict[int, set[str]] = defaultdict(set)
    welfare_group = {"HN": "NSNN_DONG", "HTXH": "NSNN_DONG", "CN": "HO_TRO_CAN_NGHEO", "DTTS": "HO_TRO_DTTS",
                     "NLNDM": "HO_TRO_NLNDM"}
    for _, _, _, xa, rows in welfare:
        for uid, cat, ho, birth in rows:
            categories[uid].add(cat)
            if has(uid, "BHYT", day):
                continue
            if cat == "TUAT":
                age = age_on(birth, day) if birth else None
                if age is not None and (age >= 75 or (70 <= age <= 74 and (xa, ho) in cn_households)):
                    hit(uid, "NSNN_DONG", xa)
            elif cat in welfare_group:
                hit(uid, welfare_group[cat], xa)

    atk_file = _latest(dv.atk, day, lambda it: 0).get(0)
    atk = set(atk_file[2]) if atk_file else set()
    for uid, (_, xa, _) in reg.items():
        if xa in atk and not has(uid, "BHYT", day):
            hit(uid, "XA_ATK", xa)
    for _, _, _, xa, rows in welfare:
        for uid, _, _, _ in rows:
            if uid not in reg and xa in atk and not has(uid, "BHYT", day):
                hit(uid, "XA_ATK", xa)

    school_xa: dict[str, str] = {}
    for d, ready, rows in sorted(dv.school_dirs, key=lambda it: it[0]):
        if ready and d <= day:
            school_xa.update(rows)
    for _, _, ma_truong, uids in sorted(_latest(dv.rosters, day, lambda it: it[2]).values(),
                                        key=lambda it: it[0]):
        for uid in uids:
            if not has(uid, "BHYT", day):
                hit(uid, "HO_TRO_HSSV", school_xa.get(ma_truong))

    # households (ma_ho of the record holding the card) with a GD card on D
    gd_holders_by_ho = {ho_of[s.id_nguoi] for mine in spells.values() for s in mine
                        if s.ma_doi_tuong == "GD" and s.loai == "BHYT" and s.covers(day) and ho_of.get(s.id_nguoi)}
    due, the_trung = [], []
    for uid, (_, xa, _) in reg.items():
        mine = spells.get(uid, ())
        tn = _last([s for s in mine if s.loai == "BHXH_TN"])
        gd = _last([s for s in mine if s.loai == "BHYT" and s.ma_doi_tuong == "GD"])
        if tn and _stopped(tn, day) and not has(uid, "BHXH_TN", day) and not has(uid, "BHXH_BB", day):
            hit(uid, "DUNG_BHXH_TN", xa)
        if gd and _stopped(gd, day) and not has(uid, "BHYT", day):
            hit(uid, "DUNG_BHYT_GD", xa)
        if any(h and h in gd_holders_by_ho for _, _, h in records[uid]) and not has(uid, "BHYT", day):
            hit(uid, "THANH_VIEN_HO", xa)
        age = age_on(born[uid], day)
        bb = _last([s for s in mine if s.loai == "BHXH_BB"])
        if (bb and _stopped(bb, day) and 15 <= age < 60
                and not has(uid, "BHXH_BB", day) and not has(uid, "BHXH_TN", day)):
            hit(uid, "DUNG_BHXH_BB", xa)
        card = _last([s for s in mine if s.loai == "BHYT"])
        if card and _stopped(card, day) and not has(uid, "BHYT", day):
            hit(uid, "HET_HAN_BHYT", xa)
        if age >= 60 and not has(uid, "BHYT", day):
            hit(uid, "CAO_TUOI", xa)
        covering = [s for s in mine if s.loai == "BHYT" and s.covers(day)]
        recs = records[uid]
        if len(covering) >= 2 or len(recs) >= 2:
            # two cards on D (on one record or several), else two records; commune: the greatest id_nguoi's
            the_trung.append({"person_uid": uid, "loai": "THE_TRUNG" if len(covering) >= 2 else "HO_SO_TRUNG",
                              "ma_xa": recs[-1][1], "so_the": len(covering),
                              "id_nguoi": ";".join(str(i) for i, _, _ in recs),
                              "ma_doi_tuong": ";".join(sorted(s.ma_doi_tuong for s in covering))})
        if gd and _due(gd, day) and not any(s is not gd and s.loai == "BHYT" and s.covers(gd.den_ngay + timedelta(1))
                                            for s in mine):
            han = gd.den_ngay + timedelta(1)
            factor = GD_FACTORS.get(gd.thu_tu_trong_ho or 1, Decimal("0.4"))
            amount = Decimal("0.045") * param(BASE_SALARY, han) * factor * gd.phuong_thuc
            due.append({"id_nguoi": gd.id_nguoi, "loai": "BHYT_GD", "han_dong": han.isoformat(),
                        "phuong_thuc": gd.phuong_thuc, "so_tien": round_vnd(amount)})
        if tn and _due(tn, day) and not any(s is not tn and s.loai in ("BHXH_TN", "BHXH_BB")
                                            and s.covers(tn.den_ngay + timedelta(1)) for s in mine):
            han = tn.den_ngay + timedelta(1)
            cats = categories.get(uid, set())
            rate = next((r for c, r in SUPPORT_RATES if c in cats), DEFAULT_SUPPORT)
            line = param(RURAL_POVERTY_LINE, han)
            amount = (Decimal("0.22") * tn.muc_thu_nhap - rate * Decimal("0.22") * line) * tn.phuong_thuc
            due.append({"id_nguoi": tn.id_nguoi, "loai": "BHXH_TN", "han_dong": han.isoformat(),
                        "phuong_thuc": tn.phuong_thuc, "so_tien": round_vnd(amount)})

    tiem_nang, unplaced = [], []
    for uid, groups in hits.items():
        ordered = [g for g in GROUPS if g in groups]
        row = {"person_uid": uid, "nhom": ordered[0], "ly_do": ";".join(ordered), "ma_xa": groups[ordered[0]]}
        (tiem_nang if row["ma_xa"] else unplaced).append(row)

    bb_persons: dict[str, set[int]] = defaultdict(set)
    for uid, mine in spells.items():
        for s in mine:
            if s.loai == "BHXH_BB" and s.covers(day) and s.ma_don_vi in units:
                bb_persons[units[s.ma_don_vi][0]].add(uid)
    registered = {mst for mst, _ in units.values()}
    don_vi = []
    for mst, _, status, staff in enterprises:
        if status != "00" or staff < 1:
            continue
        n_bb = len(bb_persons.get(mst, ()))
        if mst not in registered:
            don_vi.append({"ma_so_thue": mst, "loai": "CHUA_DANG_KY", "so_lao_dong_thue": staff,
                           "so_lao_dong_bhxh": n_bb})
        elif n_bb < staff:
            don_vi.append({"ma_so_thue": mst, "loai": "DONG_THIEU", "so_lao_dong_thue": staff,
                           "so_lao_dong_bhxh": n_bb})
    tiem_nang.sort(key=lambda r: r["person_uid"])
    unplaced.sort(key=lambda r: r["person_uid"])
    due.sort(key=lambda r: (r["id_nguoi"], r["loai"]))
    don_vi.sort(key=lambda r: r["ma_so_thue"])
    the_trung.sort(key=lambda r: r["person_uid"])
    no_dong = _arrears([c for c in dv.contributions if c[0] == snap and c[1] in units], day)
    return {"tiem_nang": tiem_nang, "den_han_dong": due, "don_vi_tiem_nang": don_vi, "the_trung": the_trung,
            "don_vi_no_dong": no_dong, "unplaced": unplaced}


def _arrears(ledger: list[tuple[date, str, str, int, int]], day: date) -> list[dict]:
    """CONTRACT §4.6: units with 3 or more months overdue (last day of the next month before D) and unpaid."""
    owed: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for _, unit, ky, phai, da in ledger:
        y, m = int(ky[:4]), int(ky[5:7])
        deadline = month_end(f"{y + m // 12}-{m % 12 + 1:02d}")
        if da < phai and deadline < day:
            owed[unit].append((ky, phai - da))
    return sorted(({"ma_don_vi": unit, "so_thang_no": len(months), "so_tien_no": sum(a for _, a in months),
                    "ky_no_tu": min(k for k, _ in months)} for unit, months in owed.items() if len(months) >= 3),
                  key=lambda r: r["ma_don_vi"])


def _last(spells: list[Spell]) -> Spell | None:
    """The spell with the latest den_ngay (an open-ended spell is never due nor stopped)."""
    if not spells:
        return None
    if any(s.den_ngay is None for s in spells):
        return None
    return max(spells, key=lambda s: (s.den_ngay, s.tu_ngay))


def _stopped(s: Spell, day: date) -> bool:
    return s.den_ngay.year == day.year and s.den_ngay + timedelta(1) < day


def _due(s: Spell, day: date) -> bool:
    return day <= s.den_ngay + timedelta(1) <= day + timedelta(DUE_HORIZON_DAYS)
