"""Collection agents, targets and field results of a generated world (CONTRACT §2.6), and their truth (§4.7, §4.8).

The generator part, `Collection`, is attached to a `World` before it runs: the world tells it each commune's
hamlets and every welfare row's `Thôn/Tổ dân phố` as written. Once the world is written (and the oracle has
the lists of every reference date), `Collection.write` adds the `collection/<date>/` deliveries — agents
(`dai_ly_thu.csv`), yearly targets (`chi_tieu.csv`) and the agents' field results (`ket_qua/*.xlsx|csv`) for
persons truly on the lists — from its own random stream, so every other file of the world stays as it was.

The truth part is a literal reading of §4.7–§4.8 in plain Python: `latest_results`, `is_excluded`,
`candidates`, `assign` (stickiness, hamlet narrowing, balance, order), `da_tham_gia` and the progress tables;
`Collection.truth` applies them week after week, each week's assignment sticking to the previous one's.
"""

from __future__ import annotations

import csv
import random
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from tiemnang.vietnamese import bo_dau
from tiemnang_tools.generate import ids, names
from tiemnang_tools.generate.oracle import GROUPS, Delivered, age_on
from tiemnang_tools.generate.sheets import random_look, write_sheet

if TYPE_CHECKING:
    from tiemnang_tools.generate.world import World, _Commune

DAY = timedelta(1)
CODES = ("DA_LIEN_HE", "HEN_THAM_GIA", "TU_CHOI", "KHONG_TIM_THAY", "CHUYEN_DI", "DA_MAT")
# §4.7 (ref.ket_qua of migration 0018): code → days before D within which it excludes (None = for good)
EXCLUDING = {"KHONG_TIM_THAY": 180, "CHUYEN_DI": 180, "DA_MAT": None}
RESULT_WINDOW_DAYS = 30  # §4.8 so_co_ket_qua: a result by the agent dated in the 30 days before D
TIEM_NANG, DEN_HAN_DONG = "tiem_nang", "den_han_dong"

AGENT_HEADER = ["ma_dai_ly", "ten_dai_ly", "ma_xa", "thon", "tu_ngay", "den_ngay"]
TARGET_HEADER = ["nam", "ma_xa", "nhom", "chi_tieu"]
RESULT_COLUMNS = ["STT", "Mã đại lý", "Họ và tên", "Ngày sinh", "Số định danh cá nhân", "Mã xã", "Thôn/Tổ dân phố",
                  "Ngày", "Kết quả", "Ghi chú"]
OWN_WORKBOOKS = 5  # agents per delivery whose workbook comes as its own file (the others: one collated file)
RESULT_OPTIONAL = {"STT": 0.3, "Thôn/Tổ dân phố": 0.6, "Ghi chú": 0.2}

# truth/expected/<D>/ files of the collection part, and their columns
TRUTH_COLUMNS = {
    "loai_tru": ["danh_sach", "person_uid", "id_nguoi", "nhom", "ma_xa", "thon", "ket_qua", "ngay_ket_qua",
                 "ma_dai_ly"],
    "phan_cong": ["danh_sach", "person_uid", "id_nguoi", "nhom", "ma_xa", "thon", "ma_dai_ly", "cach", "co_dinh",
                  "ung_vien", "ket_qua_gan_nhat", "ngay_ket_qua"],
    "da_tham_gia": ["danh_sach", "person_uid", "id_nguoi", "nhom", "ma_xa"],
    "tien_do": ["nam", "ma_xa", "nhom", "chi_tieu", "da_dat", "ty_le"],
    "tien_do_dai_ly": ["ma_dai_ly", "ten_dai_ly", "ma_xa", "so_duoc_giao", "so_co_ket_qua", "so_da_tham_gia"],
}

WELFARE_NHOM = {"HN": "NSNN_DONG", "HTXH": "NSNN_DONG", "TUAT": "NSNN_DONG", "CN": "HO_TRO_CAN_NGHEO",
                "DTTS": "HO_TRO_DTTS", "NLNDM": "HO_TRO_NLNDM"}
# §4.4: the coverage a group lacked (so_da_tham_gia); every other group lacked BHYT
JOINED_WITH = {"BB_NLD": ("BHXH_BB",), "BB_CHU_HKD": ("BHXH_BB", "BHXH_TN"), "DUNG_BHXH_TN": ("BHXH_BB", "BHXH_TN"),
               "DUNG_BHXH_BB": ("BHXH_BB", "BHXH_TN")}
# §4.8: "a later spell of that insurance" for a due row
DUE_INSURANCE = {"BHYT_GD": "BHYT", "BHXH_TN": "BHXH_TN"}


# ===================================================================================== truth (§4.7, §4.8)
def thon_key(text: str | None) -> str:
    """A hamlet name compared ignoring case, diacritics and spacing: `Thôn  3` → `thon3`."""
    return "".join(bo_dau(unicodedata.normalize("NFC", text or "")).lower().split())


@dataclass(frozen=True, slots=True)
class Agent:
    """One `dai_ly_thu.csv` row: an agent and one area it serves (`thon` empty = the whole commune)."""

    ma_dai_ly: str
    ten_dai_ly: str
    ma_xa: str
    thon: str
    tu_ngay: date
    den_ngay: date | None

    def active(self, day: date) -> bool:
        return self.tu_ngay <= day and (self.den_ngay is None or day <= self.den_ngay)


@dataclass(frozen=True, slots=True)
class Result:
    """One accepted `ket_qua` row: who (true identity), by which agent, where, when, what, delivered when."""

    uid: int | str
    ma_dai_ly: str
    ma_xa: str
    ngay: date
    ket_qua: str
    delivered: date


@dataclass(slots=True)
class Row:
    """A row of tiem_nang or den_han_dong as §4.7 sees it. `key` identifies it within its list across weeks
    (tiem_nang: the person; den_han_dong: id_nguoi and loai); `nhom` is the group or the due type."""

    danh_sach: str
    key: tuple
    uid: int | str
    ma_xa: str
    nhom: str
    thon: str = ""
    so_ddcn: str = ""
    ho_ten: str = ""
    ngay_sinh: str = ""
    id_nguoi: int | None = None
    han_dong: date | None = None
    ma_dai_ly: str = ""
    cach: str = ""          # khong_co (no candidate) | giu (kept last week's) | duy_nhat (one candidate) | can_bang
    co_dinh: bool = True    # the agent does not depend on the order of rows (see `assign`)
    ung_vien: tuple[str, ...] = ()
    ket_qua: str = ""
    ngay_ket_qua: date | None = None

    def order(self) -> tuple:
        """so_ddcn, ho_ten, ngay_sinh (empty values last), tiem_nang before den_han_dong, then the row key."""
        return (self.so_ddcn == "", self.so_ddcn, self.ho_ten == "", self.ho_ten, self.ngay_sinh == "",
                self.ngay_sinh, self.danh_sach != TIEM_NANG, self.key)


def latest_results(results: Iterable[Result], day: date) -> dict:
    """Each person's latest result: the latest `Ngày` ≤ D among deliveries dated ≤ D (ties: the later delivery)."""
    best: dict = {}
    for r in results:
        if r.ngay > day or r.delivered > day:
            continue
        cur = best.get(r.uid)
        if cur is None or (r.ngay, r.delivered) >= (cur.ngay, cur.delivered):
            best[r.uid] = r
    return best


def is_excluded(result: Result | None, day: date) -> bool:
    """DA_MAT, or CHUYEN_DI / KHONG_TIM_THAY dated within the 180 days before D (D − Ngày ≤ 180 days).

    Exactly 180 days is where "within" could be read either way; the generator never dates a result there."""
    if result is None or result.ket_qua not in EXCLUDING:
        return False
    days = EXCLUDING[result.ket_qua]
    return days is None or (day - result.ngay).days <= days


def candidates(agents: Iterable[Agent], day: date, ma_xa: str, thon: str) -> tuple[str, ...]:
    """Agents active on D serving the commune, narrowed to those naming the row's hamlet when any does."""
    serving = [a for a in agents if a.ma_xa == ma_xa and a.active(day)]
    key = thon_key(thon)
    named = [a for a in serving if key and thon_key(a.thon) == key]
    return tuple(sorted({a.ma_dai_ly for a in (named or serving)}))


def assign(rows: list[Row], agents: Iterable[Agent], day: date,
           previous: dict[object, list[tuple[str, str, bool]]]) -> None:
    """§4.7 assignment, in place: `ma_dai_ly`, `cach`, `ung_vien` and `co_dinh` of every row.

    `previous` maps a person (`Row.uid`) to the agents of their rows in last published week's lists, as
    (danh_sach, ma_dai_ly, co_dinh) — see `previous_agents`. A row whose person had an agent who is still one of
    its candidates keeps that agent (several: the one of a row of the same list first, then the smallest code);
    the others, in `Row.order`, go to the candidate with the fewest rows of the commune assigned so far this week
    (both lists; kept rows count), ties to the smallest code.
    `co_dinh` is False where the outcome depends on that order (balance among several candidates, or kept from
    such a row): only there can a pipeline that orders rows by its own values of so_ddcn/ho_ten differ.
    """
    agents = list(agents)
    by_commune: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_commune[r.ma_xa].append(r)
    for ma_xa, commune_rows in by_commune.items():
        serving = [a for a in agents if a.ma_xa == ma_xa]
        counts: Counter = Counter()
        pending = []
        for r in commune_rows:
            r.ung_vien = candidates(serving, day, ma_xa, r.thon)
            kept = sorted((ds != r.danh_sach, agent, fixed) for ds, agent, fixed in previous.get(r.uid, ())
                          if agent in r.ung_vien)
            if not r.ung_vien:
                r.ma_dai_ly, r.cach, r.co_dinh = "", "khong_co", True
            elif kept:
                _, r.ma_dai_ly, r.co_dinh = kept[0]
                r.cach = "giu"
                counts[r.ma_dai_ly] += 1
            else:
                pending.append(r)
        for r in sorted(pending, key=Row.order):
            r.ma_dai_ly = min(r.ung_vien, key=lambda code: (counts[code], code))
            counts[r.ma_dai_ly] += 1
            r.cach = "duy_nhat" if len(r.ung_vien) == 1 else "can_bang"
            r.co_dinh = len(r.ung_vien) == 1


def previous_agents(rows: Iterable[Row]) -> dict[object, list[tuple[str, str, bool]]]:
    """Last published week's agents by person, for `assign`: (danh_sach, ma_dai_ly, co_dinh) of assigned rows."""
    out: dict[object, list[tuple[str, str, bool]]] = defaultdict(list)
    for r in rows:
        if r.ma_dai_ly:
            out[r.uid].append((r.danh_sach, r.ma_dai_ly, r.co_dinh))
    return out


class Coverage:
    """The register as in force on D (the oracle's reading): who holds what, and spells per human."""

    def __init__(self, dv: Delivered, day: date):
        snaps = [d for d, ready in dv.register_dates if ready and d <= day]
        snap = max(snaps) if snaps else None
        self.day = day
        self.uid_of = {p[1]: p[0] for p in dv.persons if snap and p[4] <= snap}
        self.spells: dict = defaultdict(list)
        for s in dv.spells:
            if snap and s.rec <= snap and s.id_nguoi in self.uid_of:
                self.spells[self.uid_of[s.id_nguoi]].append(s)

    def has(self, uid, loai: str) -> bool:
        return any(s.loai == loai and s.covers(self.day) for s in self.spells.get(uid, ()))

    def joined(self, uid, nhom: str) -> bool:
        """§4.4: holds on D the coverage the group lacked."""
        return any(self.has(uid, loai) for loai in JOINED_WITH.get(nhom, ("BHYT",)))

    def row_joined(self, r: Row) -> bool:
        """Last week's row counts as joined on D: §4.4 for tiem_nang, a later spell for den_han_dong (§4.8)."""
        if r.danh_sach == TIEM_NANG:
            return self.joined(r.uid, r.nhom)
        return self.later_spell(r.uid, r.nhom, r.han_dong)

    def later_spell(self, uid, loai: str, han_dong: date) -> bool:
        """§4.8: a spell of that insurance reaching past the due spell (open, or ending on or after han_dong)."""
        insurance = DUE_INSURANCE[loai]
        return any(s.loai == insurance and (s.den_ngay is None or s.den_ngay >= han_dong)
                   for s in self.spells.get(uid, ()))


def da_tham_gia(previous_rows: list[Row], rows: list[Row], joined: Callable[[Row], bool]) -> list[Row]:
    """Last week's rows that count as joined this week: tiem_nang — not on this week's tiem_nang and holding the
    coverage the group lacked (§4.4); den_han_dong — the person now has a later spell of that insurance (§4.8)."""
    now = {r.key for r in rows if r.danh_sach == TIEM_NANG}
    return [r for r in previous_rows if (r.danh_sach != TIEM_NANG or r.key not in now) and joined(r)]


def ty_le(da_dat: int, chi_tieu: int | None) -> Decimal | None:
    if not chi_tieu:
        return None
    return (Decimal(da_dat) / Decimal(chi_tieu)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def tien_do(targets: dict[tuple[str, str], int], da_dat: Counter) -> list[dict]:
    """Per commune and nhom with a target of D's year or anything reached: chi_tieu, da_dat, ty_le."""
    keys = sorted(set(targets) | {k for k, v in da_dat.items() if v})
    return [{"ma_xa": xa, "nhom": nhom, "chi_tieu": targets.get((xa, nhom)), "da_dat": da_dat.get((xa, nhom), 0),
             "ty_le": ty_le(da_dat.get((xa, nhom), 0), targets.get((xa, nhom)))} for xa, nhom in keys]


def tien_do_dai_ly(rows: list[Row], joined_rows: list[Row], results: Iterable[Result], day: date,
                   previous_agent: Callable[[Row], str] = lambda r: r.ma_dai_ly) -> list[dict]:
    """Per agent and commune: so_duoc_giao (rows assigned this week), so_co_ket_qua (of those, rows whose
    person has a result by this agent dated in the 30 days before D), so_da_tham_gia (last week's rows of the
    agent that count as joined). `joined_rows` are last week's rows; `previous_agent` gives their agent."""
    by_uid: dict = defaultdict(list)
    for res in results:
        if res.delivered <= day and res.ngay <= day and (day - res.ngay).days <= RESULT_WINDOW_DAYS:
            by_uid[res.uid].append(res.ma_dai_ly)
    figures: dict = defaultdict(lambda: [0, 0, 0])
    for r in rows:
        if r.ma_dai_ly:
            f = figures[(r.ma_dai_ly, r.ma_xa)]
            f[0] += 1
            f[1] += r.ma_dai_ly in by_uid.get(r.uid, ())
    for r in joined_rows:
        agent = previous_agent(r)
        if agent:
            figures[(agent, r.ma_xa)][2] += 1
    return [{"ma_dai_ly": a, "ma_xa": xa, "so_duoc_giao": f[0], "so_co_ket_qua": f[1], "so_da_tham_gia": f[2]}
            for (a, xa), f in sorted(figures.items())]


def in_force(deliveries: list[tuple[date, list]], day: date) -> list:
    """The rows of the latest delivery dated ≤ D (each file replaces the earlier one)."""
    chosen: list = []
    for d, rows in sorted(deliveries, key=lambda it: it[0]):
        if d <= day:
            chosen = rows
    return chosen


# ===================================================================================== generator
@dataclass(slots=True)
class Person:
    uid: int
    so_ddcn: str
    ho_ten: str
    ngay_sinh: str  # as known: YYYY-MM-DD, YYYY-MM or YYYY
    male: bool
    ma_xa: str
    id_nguoi: int | None


@dataclass
class Deliveries:
    """What the collection/ deliveries hold (accepted rows), for the truth."""

    agents: list[tuple[date, list[Agent]]] = field(default_factory=list)
    targets: list[tuple[date, list[tuple[int, str, str, int]]]] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)
    # welfare files as the world wrote them: (date, stem, path, ma_xa, rows (uid, doi_tuong, ma_ho, thon, birth))
    welfare: list[tuple[date, str, str, str, list[tuple[int, str, str, str, date]]]] = field(default_factory=list)


@dataclass(slots=True)
class _CommuneInfo:
    ma_xa: str
    tinh: str
    ten_xa: str
    hamlets: list[str]


@dataclass(slots=True)
class _Visit:
    person: Person | None
    uid: int | str
    ma_xa: str
    thon: str
    ngay: date
    code: str
    delivery: date
    agent: str = ""
    bad: str = ""  # a quarantine reason to inject


NOTES = {"DA_LIEN_HE": ("Đã gặp, tư vấn chính sách", "Đã phát tờ rơi", "Hẹn gặp lại", ""),
         "HEN_THAM_GIA": ("Hẹn tham gia tháng sau", "Hẹn đóng cuối tháng", "Chờ nhận lương", ""),
         "TU_CHOI": ("Chưa có nhu cầu", "Gia đình khó khăn", "Đã có thẻ ở nơi khác?", ""),
         "KHONG_TIM_THAY": ("Không có ở địa chỉ", "Nhà đóng cửa", "Hàng xóm không biết", ""),
         "CHUYEN_DI": ("Chuyển đi làm ăn xa", "Chuyển vào TP. Hồ Chí Minh", "Theo con ra Hà Nội", ""),
         "DA_MAT": ("Gia đình báo đã mất", "Đã mất", "")}
FIRST_CODES = (("DA_LIEN_HE", 45), ("HEN_THAM_GIA", 22), ("TU_CHOI", 18), ("KHONG_TIM_THAY", 7), ("CHUYEN_DI", 6),
               ("DA_MAT", 2))
HAMLET_SPELLINGS = (lambda h: bo_dau(h).lower().replace(" ", "  "), str.upper, str.upper, bo_dau, lambda h: h.replace(" ", "  "), lambda h: h.replace(" ", ""),
                    lambda h: bo_dau(h).lower(), lambda h: f" {h} ", str.lower)
ORGANISATIONS = ("Bưu điện {xa}", "Đại lý thu UBND {xa}", "Hội Liên hiệp Phụ nữ {xa}", "Hội Nông dân {xa}",
                 "Hội Cựu chiến binh {xa}", "Cộng tác viên {ten}", "Đại lý thu {ten}")


def _small(ten_xa: str) -> str:
    """`Xã An Phú` → `xã An Phú` inside a sentence."""
    return ten_xa[0].lower() + ten_xa[1:] if ten_xa.split()[0] in ("Xã", "Phường", "Đặc") else ten_xa


class Collection:
    """The collection/ source of one world; attach with `Collection(world)` before `world.run()`."""

    def __init__(self, world: World):
        self.w = world
        self.rng = random.Random(f"{world.seed}:collection")
        self.dv = Deliveries()
        self.communes: list[_CommuneInfo] = []
        self.refs = list(world.sched.refs)
        self.year = self.refs[-1].year
        self.people: dict[int, Person] = {}
        self.summary: dict = {}
        world.coll = self

    # ------------------------------------------------------------------ hooks called by the world
    def commune(self, c: _Commune) -> None:
        self.communes.append(_CommuneInfo(c.ma_xa, c.tinh, c.ten_xa, [c.hamlet_name(k) for k in
                                                                      range(1, c.hamlets + 1)]))

    def welfare_file(self, day: date, rel: str, ma_xa: str, rows: list[tuple[int, str, str, str, date]]) -> None:
        self.dv.welfare.append((day, Path(rel).stem, rel, ma_xa, rows))

    def welfare_redelivered(self, day: date, rel: str) -> None:
        _, stem, _, ma_xa, rows = self.dv.welfare[-1]
        self.dv.welfare.append((day, stem, rel, ma_xa, rows))

    # ------------------------------------------------------------------ list rows as §4.7 sees them
    def _welfare_now(self, day: date) -> list[tuple]:
        """Welfare records in force on D (latest file per name), in (date, path, row) order."""
        latest: dict[str, tuple] = {}
        for item in sorted(self.dv.welfare, key=lambda it: it[0]):
            if item[0] <= day:
                latest[item[1]] = item
        out = []
        for d, _, path, ma_xa, rows in sorted(latest.values(), key=lambda it: (it[0], it[2])):
            out += [(d, path, pos, ma_xa, *row) for pos, row in enumerate(rows)]
        return out

    def list_rows(self, day: date, lists: dict[str, list[dict]]) -> list[Row]:
        """The oracle's tiem_nang and den_han_dong of D (before exclusions) as `Row`s, with their hamlet.

        Hamlet: tiem_nang — the `Thôn/Tổ dân phố` of the record behind the row's commune (the latest welfare
        record giving the row's nhom in that commune; no hamlet for other sources); den_han_dong — of the
        person's latest welfare record in the row's commune that has one."""
        dv = self.w.dv
        cov = Coverage(dv, day)
        registered = set(cov.uid_of.values())
        welfare = self._welfare_now(day)
        cn = {(xa, ho) for _, _, _, xa, _, cat, ho, _, _ in welfare if cat == "CN" and ho}
        by_uid: dict = defaultdict(list)
        for rec in welfare:
            by_uid[rec[4]].append(rec)

        def behind(uid, nhom: str, ma_xa: str) -> str:
            thon = ""
            for _, _, _, xa, _, cat, ho, t, birth in by_uid.get(uid, ()):
                if xa != ma_xa:
                    continue
                if nhom == "XA_ATK":
                    ok = uid not in registered
                elif WELFARE_NHOM.get(cat) == nhom:
                    age = age_on(birth, day) if birth else None
                    ok = cat != "TUAT" or (age is not None and (age >= 75 or (age >= 70 and (xa, ho) in cn)))
                else:
                    ok = False
                if ok:
                    thon = t
            return thon

        def hamlet_of(uid, ma_xa: str) -> str:
            thon = ""
            for _, _, _, xa, _, _, _, t, _ in by_uid.get(uid, ()):
                if xa == ma_xa and t:
                    thon = t
            return thon

        rows = []
        for r in lists["tiem_nang"]:
            uid = r["person_uid"]
            p = self.people.get(uid)
            rows.append(Row(TIEM_NANG, (uid,), uid, r["ma_xa"], r["nhom"],
                            behind(uid, r["nhom"], r["ma_xa"]) if r["nhom"] in (*WELFARE_NHOM.values(), "XA_ATK")
                            else "", p.so_ddcn if p else "", p.ho_ten if p else "", p.ngay_sinh if p else "",
                            p.id_nguoi if p else None))
        homes = {p[1]: p[2] for p in dv.persons}
        for r in lists["den_han_dong"]:
            idn = r["id_nguoi"]
            uid = cov.uid_of.get(idn)
            p = self.people.get(uid)
            ma_xa = homes.get(idn, "")
            rows.append(Row(DEN_HAN_DONG, (idn, r["loai"]), uid, ma_xa, r["loai"], hamlet_of(uid, ma_xa),
                            p.so_ddcn if p else "", p.ho_ten if p else "", p.ngay_sinh if p else "", idn,
                            date.fromisoformat(r["han_dong"])))
        return rows

    # ------------------------------------------------------------------ the truth, week after week
    def truth(self, lists_by_day: dict[date, dict[str, list[dict]]]) -> dict[date, dict[str, list[dict]]]:
        dv = self.w.dv
        out: dict[date, dict[str, list[dict]]] = {}
        previous: dict[object, list[tuple[str, str, bool]]] = {}
        prev_rows: list[Row] = []
        reached: Counter = Counter()
        year = None
        for day in self.refs:
            rows = self.list_rows(day, lists_by_day[day])
            latest = latest_results(self.dv.results, day)
            kept, excluded = [], []
            for r in rows:
                res = latest.get(r.uid)
                if is_excluded(res, day):
                    excluded.append((r, res))
                    continue
                if res is not None:
                    r.ket_qua, r.ngay_ket_qua = res.ket_qua, res.ngay
                kept.append(r)
            agents = in_force(self.dv.agents, day)
            assign(kept, agents, day, previous)
            cov = Coverage(dv, day)
            joined = da_tham_gia(prev_rows, kept, cov.row_joined)
            if day.year != year:
                year, reached = day.year, Counter()
            reached.update((r.ma_xa, r.nhom) for r in joined if r.danh_sach == TIEM_NANG)
            targets = {(xa, nhom): n for nam, xa, nhom, n in in_force(self.dv.targets, day) if nam == day.year}
            names_of = {}
            for _, delivered in sorted(self.dv.agents, key=lambda it: it[0]):
                names_of.update({a.ma_dai_ly: a.ten_dai_ly for a in delivered})
            names_of.update({a.ma_dai_ly: a.ten_dai_ly for a in agents})
            by_agent = tien_do_dai_ly(kept, joined, self.dv.results, day)
            for row in by_agent:
                row["ten_dai_ly"] = names_of.get(row["ma_dai_ly"], "")

            def ident(r: Row) -> dict:
                return {"danh_sach": r.danh_sach, "person_uid": r.uid, "id_nguoi": r.id_nguoi or "",
                        "nhom": r.nhom, "ma_xa": r.ma_xa}

            out[day] = {
                "loai_tru": [{**ident(r), "thon": r.thon, "ket_qua": res.ket_qua, "ngay_ket_qua": res.ngay.isoformat(),
                              "ma_dai_ly": res.ma_dai_ly} for r, res in excluded],
                "phan_cong": [{**ident(r), "thon": r.thon, "ma_dai_ly": r.ma_dai_ly, "cach": r.cach,
                               "co_dinh": int(r.co_dinh), "ung_vien": ";".join(r.ung_vien),
                               "ket_qua_gan_nhat": r.ket_qua,
                               "ngay_ket_qua": r.ngay_ket_qua.isoformat() if r.ngay_ket_qua else ""} for r in kept],
                "da_tham_gia": [ident(r) for r in joined],
                "tien_do": [{"nam": day.year, **t, "chi_tieu": "" if t["chi_tieu"] is None else t["chi_tieu"],
                             "ty_le": "" if t["ty_le"] is None else str(t["ty_le"])}
                            for t in tien_do(targets, reached)],
                "tien_do_dai_ly": by_agent,
            }
            previous = previous_agents(kept)
            prev_rows = kept
        return out

    # ------------------------------------------------------------------ the deliveries
    def write(self, lists_by_day: dict[date, dict[str, list[dict]]]) -> dict:
        """Write collection/ (with _READY), append its rows to truth/records.csv and files.csv, write
        truth/collection/*.csv. `lists_by_day` are the oracle's lists per reference date (empty for worlds
        without truth lists: results then go to a sample of persons)."""
        w = self.w
        self._read_people(full=bool(lists_by_day))
        self.records: list[list] = []
        self.file_rows: list[list[str]] = []
        self.folders: set[Path] = set()
        pre = {day: self.list_rows(day, lists) for day, lists in lists_by_day.items()} if lists_by_day else {}
        agents_plan = self._agents(pre)
        self._targets(pre)
        visits = self._visits(pre, agents_plan)
        self._write_results(visits)
        for folder in sorted(self.folders):
            (folder / "_READY").touch()
        with open(w.truth / "records.csv", "a", newline="", encoding="utf-8") as fh:
            csv.writer(fh, lineterminator="\n").writerows(self.records)
        with open(w.truth / "files.csv", newline="", encoding="utf-8") as fh:
            existing = list(csv.reader(fh))
        with open(w.truth / "files.csv", "w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh, lineterminator="\n")
            out.writerow(existing[0])
            out.writerows(sorted(existing[1:] + self.file_rows))
        self._write_truth_sources()
        quarantined = sum(1 for r in self.records if r[3] == "quarantined")
        self.summary = {"agents": len({a.ma_dai_ly for _, rows in self.dv.agents for a in rows}),
                        "result_rows": sum(1 for r in self.records if r[0].split("/")[2] == "ket_qua"),
                        "result_files": len(self.file_rows), "quarantined_rows": quarantined,
                        "deliveries": sorted(str(f.relative_to(w.landing)) for f in self.folders)}
        return self.summary

    def _read_people(self, full: bool) -> None:
        """Persons from truth/persons.csv: all of them for worlds with truth lists, else a sample."""
        rate = 1.0 if full else 0.03
        with open(self.w.truth / "persons.csv", encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                if rate < 1 and self.rng.random() >= rate:
                    continue
                uid = int(r["person_uid"])
                self.people[uid] = Person(uid, r["so_ddcn"], r["ho_ten"], r["ngay_sinh"], r["gioi_tinh"] == "1",
                                          r["ma_xa"], int(r["id_nguoi"]) if r["id_nguoi"] else None)

    def _folder(self, day: date) -> Path:
        path = self.w.landing / "collection" / day.isoformat()
        path.mkdir(parents=True, exist_ok=True)
        self.folders.add(path)
        return path

    def _record(self, path: str, dong: int, uid, reasons: str = "", noise: str = "") -> None:
        self.records.append([path, dong, uid, "quarantined" if reasons else "accepted", reasons, noise])

    def _calendar(self) -> dict[str, date]:
        d1, dl = self.refs[0], self.refs[-1]
        start = date(self.year, 1, 5) if date(self.year, 1, 5) < d1 - 60 * DAY else d1 - 60 * DAY
        return {"start": start, "mid_end": date(self.year, 6, 30), "mid_new": date(self.year, 7, 1),
                "leave": d1 + 3 * DAY, "change": d1 + 4 * DAY, "targets_revised": d1 - 43 * DAY,
                "old_results": dl - 175 * DAY}

    # ---------------------------------------------------------------- agents
    def _agents(self, pre: dict[date, list[Row]]) -> dict:
        """dai_ly_thu.csv at the start of the year and again after the first week (an agent leaves, one joins).

        Most communes have one agent for the whole commune, some two or three; some have an agent for one or
        two hamlets named as the welfare lists write them, but with other case, diacritics or spacing; one
        commune has none; one agent's contract ended on 30 June (a successor since 1 July); one agent serves
        two communes; one leaves the Monday after the first Friday and another takes over the next day.
        """
        rng, cal = self.rng, self._calendar()
        infos = list(self.communes)
        size = Counter(r.ma_xa for rows in pre.values() for r in rows)
        hamlet_rows: Counter = Counter()
        for rows in pre.values():
            hamlet_rows.update((r.ma_xa, r.thon) for r in rows if r.thon)
        ranked = sorted(infos, key=lambda c: (-size[c.ma_xa], c.ma_xa))
        none = ranked[len(ranked) // 2] if len(ranked) > 3 else None
        busy = [c for c in ranked if c is not none]
        seq: Counter = Counter()

        def code(tinh: str) -> str:
            seq[tinh] += 1
            return f"DL{tinh}{seq[tinh]:03d}"

        def name(c: _CommuneInfo) -> str:
            pattern = rng.choice(ORGANISATIONS)
            return pattern.format(xa=_small(c.ten_xa), ten=names.full_name(rng, names.surname(rng), rng.random() < .5))

        def since() -> date:
            return date(rng.randint(self.year - 4, self.year - 1), rng.randint(1, 12), 1)

        leave = busy[0] if busy else None
        mid = busy[1] if len(busy) > 1 else None
        hamlet_commune = max(busy, key=lambda c: (
            max((n for (xa, _), n in hamlet_rows.items() if xa == c.ma_xa), default=0),
            c is not leave and c is not mid, c.ma_xa), default=None)
        rest = [c for c in busy if c is not leave and c is not mid]
        pair = next(((a, b) for i, a in enumerate(rest) for b in rest[i + 1:] if a.tinh == b.tinh), None)
        if pair is None and len(rest) >= 2:
            pair = (rest[0], rest[1])
        shared = ""
        first: list[Agent] = []
        roles: dict[str, list[str]] = defaultdict(list)
        for c in infos:
            if c is none:
                continue
            if pair and c in pair and not shared:
                # one agent for two communes (in one province when the world has such a pair)
                shared = code(c.tinh)
                label = f"Bưu điện cụm {_small(pair[0].ten_xa)} - {_small(pair[1].ten_xa)}"
                first += [Agent(shared, label, xa.ma_xa, "", since(), None) for xa in pair]
                roles["two_communes"].append(shared)
            whole = 2 if c is leave else rng.choice((2, 2, 3)) if rng.random() < 0.2 else 1
            if pair and c in pair:
                whole = 0  # the shared agent is these communes' only whole-commune agent
            for k in range(whole):
                den = date(self.year, 12, 31) if rng.random() < 0.2 else None
                agent = Agent(code(c.tinh), name(c), c.ma_xa, "", since(), den)
                if c is mid and k == 0:  # contract ended mid-year, a successor since the next day
                    first.append(Agent(agent.ma_dai_ly, agent.ten_dai_ly, c.ma_xa, "", agent.tu_ngay,
                                       cal["mid_end"]))
                    roles["mid_year"].append(agent.ma_dai_ly)
                    agent = Agent(code(c.tinh), name(c), c.ma_xa, "", cal["mid_new"], None)
                if c is leave and k == 0:
                    roles["leaving"].append(agent.ma_dai_ly)
                first.append(agent)
            if c.hamlets and (c is hamlet_commune or rng.random() < 0.15):
                used = sorted({t for (xa, t) in hamlet_rows if xa == c.ma_xa},
                              key=lambda t: (-hamlet_rows[(c.ma_xa, t)], t))
                if c is hamlet_commune and used:
                    chosen = used[:1]
                else:
                    chosen = (used or rng.sample(c.hamlets, 1))[:rng.choice((1, 2))]
                if c is hamlet_commune or rng.random() < 0.5:
                    chosen += [h for h in c.hamlets if h not in used][:1]  # a hamlet no list row names
                hcode = code(c.tinh)
                label = f"Cộng tác viên {names.full_name(rng, names.surname(rng), rng.random() < 0.5)}"
                for i, hamlet in enumerate(chosen):
                    k = i if c is hamlet_commune else rng.randrange(len(HAMLET_SPELLINGS))
                    first.append(Agent(hcode, label, c.ma_xa, HAMLET_SPELLINGS[k](hamlet), since(), None))
                roles["hamlet"].append(hcode)
        later = []
        for a in first:
            if roles["leaving"] and a.ma_dai_ly == roles["leaving"][0]:
                a = Agent(a.ma_dai_ly, a.ten_dai_ly, a.ma_xa, a.thon, a.tu_ngay, cal["leave"])
            later.append(a)
        if leave is not None:
            newcomer = Agent(code(leave.tinh), name(leave), leave.ma_xa, "", cal["change"], None)
            later.append(newcomer)
            roles["newcomer"].append(newcomer.ma_dai_ly)
        self.roles = dict(roles)
        self.no_agent = none.ma_xa if none else ""
        self._agent_file(cal["start"], first, bad=True, bom=False)
        self._agent_file(cal["change"], later, bad=False, bom=True)
        return {"first": first, "later": later}

    def _agent_file(self, day: date, agents: list[Agent], bad: bool, bom: bool) -> None:
        path = self._folder(day) / "dai_ly_thu.csv"
        rel = f"collection/{day.isoformat()}/dai_ly_thu.csv"
        rows = [[a.ma_dai_ly, a.ten_dai_ly, a.ma_xa, a.thon, a.tu_ngay.isoformat(),
                 a.den_ngay.isoformat() if a.den_ngay else ""] for a in agents]
        with open(path, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as fh:
            out = csv.writer(fh, lineterminator="\n")
            out.writerow(AGENT_HEADER)
            for dong, (a, row) in enumerate(zip(agents, rows, strict=True), 2):
                out.writerow(row)
                self._record(rel, dong, f"DL:{a.ma_dai_ly}", "", "thon_khac_cach_viet" if a.thon else "")
            if bad:  # an agent of a commune code not in force
                out.writerow(["DL99001", "Đại lý thu xã cũ", "99999", "", f"{self.year - 1}-01-01", ""])
                self._record(rel, len(rows) + 2, "DL:DL99001", "ma_xa_khong_hop_le", "ma_xa_khong_hop_le")
        self.dv.agents.append((day, list(agents)))

    # ---------------------------------------------------------------- targets
    def _targets(self, pre: dict[date, list[Row]]) -> None:
        """chi_tieu.csv at the start of the year (some of last year's too), revised in October: per commune a few
        groups — sized on the commune's first-week list — one target of 0, a few communes without targets."""
        rng, cal = self.rng, self._calendar()
        first_rows = pre.get(self.refs[0], [])
        size = Counter((r.ma_xa, r.nhom) for r in first_rows if r.danh_sach == TIEM_NANG)
        rows: list[tuple[int, str, str, int]] = []
        zero_done = False
        for i, c in enumerate(self.communes):
            if rng.random() < 0.1 and i:
                continue
            present = sorted({nhom for (xa, nhom) in size if xa == c.ma_xa}, key=GROUPS.index)
            pool = present + [g for g in GROUPS[:10] if g not in present]
            head = pool[: max(4, len(present))]
            chosen = sorted(rng.sample(head, min(len(head), rng.randint(3, 5))), key=GROUPS.index)
            for nhom in chosen:
                n = max(1, round(size[(c.ma_xa, nhom)] * rng.uniform(0.2, 0.6))) if size[(c.ma_xa, nhom)] \
                    else rng.randint(1, 4)
                if not zero_done and i >= 1:
                    n, zero_done = 0, True
                rows.append((self.year, c.ma_xa, nhom, n))
            if i < 2:
                rows.append((self.year - 1, c.ma_xa, chosen[0], rng.randint(5, 20)))
        revised = []
        for t in rows:
            r = rng.random()
            if t[0] == self.year and r < 0.05:
                continue  # dropped in the revision: no target any more
            revised.append((t[0], t[1], t[2], t[3] + rng.randint(1, 3)) if t[0] == self.year and r < 0.2 else t)
        for day, content in ((cal["start"], rows), (cal["targets_revised"], revised)):
            rel = f"collection/{day.isoformat()}/chi_tieu.csv"
            with open(self._folder(day) / "chi_tieu.csv", "w", newline="", encoding="utf-8") as fh:
                out = csv.writer(fh, lineterminator="\n")
                out.writerow(TARGET_HEADER)
                for dong, (nam, xa, nhom, n) in enumerate(content, 2):
                    out.writerow([nam, xa, nhom, n])
                    self._record(rel, dong, f"CT:{nam}:{xa}:{nhom}")
            self.dv.targets.append((day, list(content)))

    # ---------------------------------------------------------------- visits
    def _deliveries(self) -> list[date]:
        d1 = self.refs[0]
        weekly = [d1 - (3 + 7 * k) * DAY for k in (3, 2, 1, 0)] + [r - 3 * DAY for r in self.refs[1:]]
        return sorted({*weekly, self.refs[-1] + DAY})

    def _avoid(self, day: date) -> bool:
        """Dates a generated result never takes: exactly 30 or 180 days before a reference date (the edges of
        "within the N days before D"), and reference dates themselves."""
        return any((r - day).days in (0, RESULT_WINDOW_DAYS, 180) for r in self.refs)

    def _visits(self, pre: dict[date, list[Row]], plan: dict) -> list[_Visit]:
        rng, cal = self.rng, self._calendar()
        deliveries = self._deliveries()
        weekly = deliveries[:-1]
        after = deliveries[-1]
        agent_sets = []
        for since, agents in ((cal["start"], plan["first"]), (cal["change"], plan["later"])):
            by_xa: dict[str, list[Agent]] = defaultdict(list)
            for a in agents:
                by_xa[a.ma_xa].append(a)
            agent_sets.append((since, by_xa))

        def agents_on(day: date, ma_xa: str) -> list[Agent]:
            chosen = in_force(agent_sets, day)
            return chosen.get(ma_xa, []) if chosen else []

        # the persons on the lists: first row seen per person (commune and hamlet of that row)
        rows_of: dict = {}
        on: dict = defaultdict(set)
        for day in self.refs:
            for r in pre.get(day, []):
                on[r.uid].add(day)
                rows_of.setdefault(r.uid, r)
        both_lists = {r.uid for rows in pre.values() for r in rows if r.danh_sach == DEN_HAN_DONG} & \
            {r.uid for rows in pre.values() for r in rows if r.danh_sach == TIEM_NANG}
        if not pre:  # no truth lists: a sample of the persons, at home
            for uid, p in sorted(self.people.items()):
                rows_of[uid] = Row(TIEM_NANG, (uid,), uid, p.ma_xa, "", "")
                on[uid] = set(self.refs)
        namesakes = Counter((thon_key(p.ho_ten), p.ngay_sinh, p.ma_xa) for p in self.people.values())

        def no_id_ok(p: Person, r: Row) -> bool:
            """Matchable without an ID: in the register, full birth date, listed at home, no namesake there."""
            return bool(p.id_nguoi) and len(p.ngay_sinh) == 10 and r.ma_xa == p.ma_xa \
                and namesakes[(thon_key(p.ho_ten), p.ngay_sinh, p.ma_xa)] == 1

        eligible = []
        for uid in sorted(rows_of, key=str):
            p, r = self.people.get(uid), rows_of[uid]
            if p is None or not candidates(agents_on(self.refs[0], r.ma_xa), self.refs[0], r.ma_xa, r.thon) and \
                    not candidates(agents_on(self.refs[-1], r.ma_xa), self.refs[-1], r.ma_xa, r.thon):
                continue
            if p.so_ddcn or no_id_ok(p, r):
                eligible.append(uid)
        rng.shuffle(eligible)
        visits: list[_Visit] = []
        self.no_id_ok = {uid: no_id_ok(self.people[uid], rows_of[uid]) for uid in eligible}

        def visit(uid, ngay: date, code: str, delivery: date, bad: str = "") -> None:
            r = rows_of[uid]
            pool = candidates(agents_on(ngay, r.ma_xa), ngay, r.ma_xa, r.thon)
            if not pool:
                return
            visits.append(_Visit(self.people.get(uid), uid, r.ma_xa, r.thon, ngay, code, delivery,
                                 rng.choice(pool), bad))

        def date_before(delivery: date, lo: int = 0, hi: int = 6) -> date:
            day = delivery - rng.randint(lo, hi) * DAY
            while self._avoid(day):
                day -= DAY
            return day

        special = [u for u in eligible if on[u] >= set(self.refs)]
        taken: set = set()

        def pick(pool: list, test: Callable = lambda u: True):
            for u in pool:
                if u not in taken and test(u):
                    taken.add(u)
                    return u
            return None

        dl = self.refs[-1]
        old = cal["old_results"]
        # CHUYEN_DI / KHONG_TIM_THAY exactly 179 and 181 days before the last Friday, and some older ones
        for code in ("CHUYEN_DI", "KHONG_TIM_THAY"):
            for days in (179, 181):
                u = pick(special)
                if u is not None:
                    visit(u, dl - days * DAY, code, old)
        for _ in range(6):
            u = pick(special)
            if u is not None:
                day = dl - rng.randint(182, 300) * DAY
                while self._avoid(day):
                    day -= DAY
                visit(u, max(day, cal["start"] + DAY), rng.choice(("CHUYEN_DI", "KHONG_TIM_THAY", "TU_CHOI", "DA_MAT")),
                      old)
        # a death on a person with rows on both lists; a death delivered only after the last Friday
        u = pick(special, lambda x: x in both_lists) or pick(special)
        if u is not None:
            visit(u, date_before(weekly[-1]), "DA_MAT", weekly[-1])
        u = pick(special)
        if u is not None:
            visit(u, dl, "DA_MAT", after)
        # same visit date in two deliveries: the later delivery's result is the latest
        for first, second in (("TU_CHOI", "DA_LIEN_HE"), ("DA_LIEN_HE", "CHUYEN_DI")):
            u = pick(special)
            if u is not None and len(weekly) >= 2:
                day = date_before(weekly[-2])
                visit(u, day, first, weekly[-2])
                visit(u, day, second, weekly[-1])
        # moved away, then found again: not excluded
        u = pick(special)
        if u is not None and len(weekly) >= 3:
            visit(u, date_before(weekly[-3]), "CHUYEN_DI", weekly[-3])
            visit(u, date_before(weekly[-1]), "HEN_THAM_GIA", weekly[-1])
        # everyone else: about one listed person in six gets one to three visits over the weeks
        codes, weights = zip(*FIRST_CODES, strict=True)
        share = 0.16 if pre else 0.6
        for uid in eligible:
            if uid in taken or rng.random() >= share:
                continue
            n = rng.choices((1, 2, 3), (70, 24, 6))[0]
            chosen = sorted(rng.sample(weekly, min(n, len(weekly))))
            for delivery in chosen:
                code = rng.choices(codes, weights)[0]
                visit(uid, date_before(delivery, 0, 6) if rng.random() < 0.9 else date_before(delivery, 7, 20),
                      code, delivery)
                if code == "DA_MAT":
                    break
        # persons on no list: two register persons, and one nobody else knows
        listed = set(rows_of)
        home_agents = {a.ma_xa for a in plan["first"]}
        outsiders = [p for uid, p in sorted(self.people.items()) if uid not in listed and p.so_ddcn
                     and p.id_nguoi and p.ma_xa in home_agents]
        for p in outsiders[:2]:
            rows_of[p.uid] = Row(TIEM_NANG, (p.uid,), p.uid, p.ma_xa, "", "")
            visit(p.uid, date_before(weekly[-1]), rng.choice(("DA_LIEN_HE", "TU_CHOI")), weekly[-1])
        if self.communes:
            home = next((c for c in self.communes if c.ma_xa in home_agents), self.communes[0])
            birth = date(1975, rng.randint(1, 12), rng.randint(1, 28))
            while True:
                ddcn = ids.so_ddcn(int(home.tinh), birth.year, True, rng.randrange(1_000_000))
                if int(ddcn) not in self.w.used_ddcn:
                    break
            stranger = Person(0, ddcn, names.full_name(rng, names.surname(rng), True), birth.isoformat(), True,
                              home.ma_xa, None)
            rows_of["KQ:1"] = Row(TIEM_NANG, ("KQ:1",), "KQ:1", home.ma_xa, "", "")
            visit("KQ:1", date_before(weekly[-2]), "HEN_THAM_GIA", weekly[-2])
            if visits and visits[-1].uid == "KQ:1":
                visits[-1].person = stranger
        # rows the loader must quarantine: unknown code, impossible date, no date, unknown agent
        good = [v for v in visits if v.delivery == weekly[0] and v.person is not None]
        for bad in ("ket_qua_khong_hop_le", "ngay_khong_hop_le", "ngay_thieu", "dai_ly_khong_ton_tai"):
            if good:
                v = good[len(visits) % len(good)]
                visits.append(_Visit(v.person, v.uid, v.ma_xa, v.thon, v.ngay, v.code, v.delivery, v.agent, bad))
        return visits

    # ---------------------------------------------------------------- result files
    def _write_results(self, visits: list[_Visit]) -> None:
        rng = self.rng
        # per delivery, a few agents' own workbooks; the rest collated by the province into one file
        files: dict[tuple, list[_Visit]] = defaultdict(list)
        own: dict[date, list[str]] = defaultdict(list)
        for v in sorted(visits, key=lambda v: (v.delivery, v.agent, v.ngay, str(v.uid), v.bad)):
            mine = own[v.delivery]
            if v.agent not in mine and len(mine) < OWN_WORKBOOKS:
                mine.append(v.agent)
            files[(v.delivery, v.agent if v.agent in mine else "")].append(v)
        duplicate_done = False
        names_of = {a.ma_dai_ly: a.ten_dai_ly for _, rows in self.dv.agents for a in rows}
        for (delivery, who), group in sorted(files.items()):
            columns = [c for c in RESULT_COLUMNS if rng.random() >= RESULT_OPTIONAL.get(c, 0)]
            look = random_look(rng, len(columns), allow_cp1258=False, xlsx_share=0.6)
            stem = f"{who}_{delivery:%Y%m%d}" if who else f"tong_hop_ket_qua_{delivery:%Y%m%d}"
            name = f"{stem}.{look.fmt}"
            rel = f"collection/{delivery.isoformat()}/ket_qua/{name}"
            folder = self._folder(delivery) / "ket_qua"
            folder.mkdir(exist_ok=True)
            rows, truth = [], []
            for k, v in enumerate(group, 1):
                cells, noise, reasons = self._cells(v, look.excel_dates)
                cells["STT"] = k
                rows.append([cells.get(c, "") for c in columns])
                truth.append((v, reasons, noise))
                if not duplicate_done and not reasons and v.person is not None and len(group) > 2:
                    duplicate_done = True
                    rows.append(list(rows[-1]))
                    truth.append((v, "trung_lap", "trung_lap"))
            titles = rng.choice(([], ["KẾT QUẢ ĐI VẬN ĐỘNG THAM GIA BHXH, BHYT"],
                                 ["BẢO HIỂM XÃ HỘI VIỆT NAM", "KẾT QUẢ ĐI VẬN ĐỘNG THAM GIA BHXH, BHYT",
                                  f"Đại lý thu: {who} - {names_of.get(who, '')}" if who else "Tổng hợp các đại lý",
                                  f"Tuần đến ngày {delivery:%d/%m/%Y}"]))
            numbers = write_sheet(folder / name, look, titles, columns, rows, [])
            for dong, (v, reasons, noise) in zip(numbers, truth, strict=True):
                self._record(rel, dong, v.uid, reasons, noise)
                if not reasons:
                    self.dv.results.append(Result(v.uid, v.agent, v.ma_xa, v.ngay, v.code, delivery))
            self.file_rows.append([rel, "collection", "accepted", "", f"{look.fmt} {look.encoding}"])

    def _cells(self, v: _Visit, excel_dates: bool) -> tuple[dict, str, str]:
        """One result row as an agent types it; its noise codes and the quarantine reason it should get."""
        rng, p = self.rng, v.person
        notes = []
        no_id = not p.so_ddcn or (self.no_id_ok.get(v.uid, False) and rng.random() < 0.25)
        name = p.ho_ten
        r = rng.random()
        if not no_id and p.id_nguoi and r < 0.08:  # the ID and the register's record carry it to the person
            name = _typo(rng, name)
            notes.append("ten_sai_chinh_ta")
        elif r < 0.13:
            name = bo_dau(name)
            notes.append("khong_dau")
        elif r < 0.18:
            name = name.upper()
            notes.append("chu_hoa")
        if no_id:
            notes.append("ddcn_thieu")
        birth: str | date = _vn(p.ngay_sinh)
        if excel_dates and len(p.ngay_sinh) == 10:
            birth = date.fromisoformat(p.ngay_sinh)
            notes.append("ngay_sinh_excel")
        ngay: str | date = v.ngay.strftime("%d/%m/%Y")
        if excel_dates and rng.random() < 0.5:
            ngay = v.ngay
            notes.append("ngay_excel")
        elif rng.random() < 0.3:
            ngay = f"{v.ngay.day}/{v.ngay.month}/{v.ngay.year}"
        code, agent, reasons = v.code, v.agent, ""
        if v.bad == "ket_qua_khong_hop_le":
            code, reasons = rng.choice(("Đã gặp", "GAP_LAI", "X")), "ket_qua_khong_hop_le"
        elif v.bad == "ngay_khong_hop_le":
            ngay, reasons = f"31/02/{v.ngay.year}", "ngay_khong_hop_le"
        elif v.bad == "ngay_thieu":
            ngay, reasons = "", "ngay_khong_hop_le"
        elif v.bad == "dai_ly_khong_ton_tai":
            agent, reasons = "DL99999", "dai_ly_khong_ton_tai"
        if reasons:
            notes.append(reasons)
        cells = {"Mã đại lý": agent, "Họ và tên": name, "Ngày sinh": birth,
                 "Số định danh cá nhân": "" if no_id else p.so_ddcn, "Mã xã": v.ma_xa, "Thôn/Tổ dân phố": v.thon,
                 "Ngày": ngay, "Kết quả": code, "Ghi chú": rng.choice(NOTES.get(v.code, ("",)))}
        return cells, ";".join(notes), reasons

    def _write_truth_sources(self) -> None:
        folder = self.w.truth / "collection"
        folder.mkdir(exist_ok=True)
        with open(folder / "dai_ly_thu.csv", "w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh, lineterminator="\n")
            out.writerow(["ngay_giao", *AGENT_HEADER])
            for day, rows in self.dv.agents:
                out.writerows([day.isoformat(), a.ma_dai_ly, a.ten_dai_ly, a.ma_xa, a.thon, a.tu_ngay.isoformat(),
                               a.den_ngay.isoformat() if a.den_ngay else ""] for a in rows)
        with open(folder / "chi_tieu.csv", "w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh, lineterminator="\n")
            out.writerow(["ngay_giao", *TARGET_HEADER])
            for day, rows in self.dv.targets:
                out.writerows([day.isoformat(), *t] for t in rows)
        with open(folder / "ket_qua.csv", "w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh, lineterminator="\n")
            out.writerow(["ngay_giao", "person_uid", "ma_dai_ly", "ma_xa", "ngay", "ket_qua"])
            out.writerows([r.delivered.isoformat(), r.uid, r.ma_dai_ly, r.ma_xa, r.ngay.isoformat(), r.ket_qua]
                          for r in self.dv.results)
        with open(folder / "vai_tro.csv", "w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh, lineterminator="\n")
            out.writerow(["vai_tro", "ma"])
            out.writerows([role, code] for role, codes in sorted(self.roles.items()) for code in codes)
            out.writerow(["khong_co_dai_ly", self.no_agent])


def _vn(iso: str) -> str:
    """A birth date as known, written the Vietnamese way: dd/mm/yyyy, mm/yyyy or yyyy."""
    parts = iso.split("-")
    return "/".join(reversed(parts))


def _typo(rng: random.Random, name: str) -> str:
    """An agent's slip on the given name: one tone mark lost, or a letter doubled."""
    words = name.split()
    given = unicodedata.normalize("NFD", words[-1])
    marks = [i for i, ch in enumerate(given) if unicodedata.combining(ch)]
    if marks:
        i = rng.choice(marks)
        given = given[:i] + given[i + 1:]
    else:
        i = rng.randrange(len(given))
        given = given[: i + 1] + given[i] + given[i + 1:]
    words[-1] = unicodedata.normalize("NFC", given)
    return " ".join(words)


def read_truth(folder: Path, name: str) -> list[dict]:
    with open(folder / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


__all__ = ["Agent", "Collection", "Coverage", "Result", "Row", "assign", "previous_agents", "candidates", "da_tham_gia",
           "in_force", "is_excluded", "latest_results", "thon_key", "tien_do", "tien_do_dai_ly", "ty_le"]
