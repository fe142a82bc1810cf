"""The synthetic world: communes, households, people, coverage, units — and the deliveries describing them.

Communes are generated one at a time; national files (register, tax, schools.csv) stay open and are
streamed to, commune files (rosters, welfare lists) are written whole. Ground truth is streamed alongside.
"""

from __future__ import annotations

import csv
import logging
import random
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from tiemnang_tools.generate import ids, names, profiles
from tiemnang_tools.generate.oracle import Delivered, Spell
from tiemnang_tools.generate.rosters import ListFiles

log = logging.getLogger(__name__)

DAY = timedelta(1)
OLD = date(2000, 1, 1)  # "recorded long ago": present in every register snapshot
PERSON_HEADER = ["id_nguoi", "ma_so_bhxh", "so_ddcn", "ho_ten", "ngay_sinh", "gioi_tinh", "ma_xa", "ma_ho"]
COVERAGE_HEADER = ["id_nguoi", "loai", "ma_doi_tuong", "ma_don_vi", "tu_ngay", "den_ngay", "phuong_thuc",
                   "muc_thu_nhap", "thu_tu_trong_ho"]
EMPLOYER_HEADER = ["ma_don_vi", "ma_so_thue", "ten_don_vi", "ma_xa"]
LEDGER_HEADER = ["ma_don_vi", "ky", "phai_dong", "da_dong"]
LEDGER_MONTHS = 24
ATK_HEADER = ["ma_xa", "ghi_chu"]
ENTERPRISE_HEADER = ["ma_so_thue", "ten_doanh_nghiep", "loai_hinh", "ma_xa", "dia_chi", "ngay_thanh_lap",
                     "trang_thai", "so_lao_dong", "ky"]
HKD_HEADER = ["ma_so_thue", "ho_ten_chu_ho", "so_ddcn", "ngay_sinh", "gioi_tinh", "ma_xa", "dia_chi_kinh_doanh",
              "nganh_nghe", "doanh_thu_nam", "phuong_phap"]
WAGE_HEADER = ["ma_so_thue_don_vi", "so_ddcn", "ho_ten", "ngay_sinh", "ky", "thu_nhap", "loai_hop_dong"]
RECORD_HEADER = ["path", "dong", "person_uid", "expected", "reasons", "noise"]
TRUTH_PERSON_HEADER = ["person_uid", "so_ddcn", "ma_so_bhxh", "ho_ten", "ngay_sinh", "gioi_tinh", "ma_xa",
                       "id_nguoi"]
FILE_HEADER = ["path", "source", "expected", "reasons", "note"]
DUPLICATE_HEADER = ["person_uid", "id_nguoi", "so_ddcn", "ma_so_bhxh", "ho_ten", "ngay_sinh", "ma_xa", "ma_ho",
                    "tu_ngay", "noise"]
# Duplicate register records (CONTRACT §4.5 HO_SO_TRUNG): the share of register persons with a second record,
# and where the second records' id_nguoi start (a record made later than every first one).
DUPLICATE_SHARE = 0.003
DUPLICATE_ID_BASE = 900_000_000
# object codes of a card issued on the second record while the first one's card still runs (the state or a
# payer pays twice): state-paid and state-supported cards mostly (ref.doi_tuong_bhyt), one household card code
DUPLICATE_CARD_CODES = ("HN", "HN", "CN", "BT", "CC", "DT", "GB", "TE", "HS")

FAMOUS = ("Trần Phú", "Lê Lợi", "Nguyễn Du", "Kim Đồng", "Quang Trung", "Võ Thị Sáu", "Lê Quý Đôn",
          "Chu Văn An", "Nguyễn Trãi", "Hùng Vương", "Lý Tự Trọng", "Ngô Quyền", "Nguyễn Huệ", "Phan Bội Châu")
LEVEL_NAMES = {"MN": "Trường Mầm non", "TH": "Trường Tiểu học", "THCS": "Trường THCS", "THPT": "Trường THPT",
               "GDNN": "Trung tâm GDNN-GDTX", "CD": "Trường Cao đẳng", "DH": "Trường Đại học"}
TRADES = ("Ăn uống", "Tạp hóa", "Cắt tóc", "Vận tải hàng hóa", "Sửa chữa xe máy", "May mặc", "Bán lẻ vật liệu",
          "Dịch vụ lưu trú", "Chế biến nông sản")
BUSINESS = ("Thực phẩm", "Xây dựng", "Dệt may", "Vận tải", "Cơ khí", "Thương mại", "Gỗ", "Điện tử", "Du lịch",
            "Nông sản", "Bao bì", "Phần mềm")
ENTERPRISE_KIND = (("NQD", "CÔNG TY TNHH"), ("NQD", "CÔNG TY CỔ PHẦN"), ("NQD", "DOANH NGHIỆP TƯ NHÂN"),
                   ("FDI", "CÔNG TY TNHH"), ("NN", "CÔNG TY"), ("HTX", "HỢP TÁC XÃ"), ("KHAC", "CƠ SỞ"))


def add_months(day: date, months: int) -> date:
    m = day.month - 1 + months
    y, m = day.year + m // 12, m % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(y, m, d)
        except ValueError:
            continue
    raise ValueError(day)


@dataclass(slots=True)
class Person:
    uid: int
    ho_ten: str
    male: bool
    birth: date
    prec: int  # 3 full date, 2 month/year, 1 year only
    ddcn: str
    bhxh: str
    ma_xa: str
    ma_ho: str
    rel: str
    id_nguoi: int | None = None
    spells: list[Spell] = field(default_factory=list)
    reg_noise: str = ""  # "", "dup", "bad_ddcn"

    @property
    def first_day(self) -> date:
        if self.prec == 1:
            return date(self.birth.year, 1, 1)
        if self.prec == 2:
            return date(self.birth.year, self.birth.month, 1)
        return self.birth

    def iso_birth(self) -> str:
        return self.birth.isoformat()[: {1: 4, 2: 7, 3: 10}[self.prec]]

    def vn_birth(self, padded: bool = True) -> str:
        b = self.birth
        if self.prec == 1:
            return str(b.year)
        if self.prec == 2:
            return f"{b.month:02d}/{b.year}" if padded else f"{b.month}/{b.year}"
        return f"{b.day:02d}/{b.month:02d}/{b.year}" if padded else f"{b.day}/{b.month}/{b.year}"


@dataclass(slots=True)
class Duplicate:
    """A second register record of a person (another id_nguoi), as the register's real duplicates are."""

    id_nguoi: int
    bhxh: str
    ddcn: str
    ho_ten: str
    birth: str  # as written in persons.csv
    ma_xa: str
    ma_ho: str
    rec: date  # first register snapshot that carries it
    noise: str
    spells: list[Spell] = field(default_factory=list)


@dataclass(slots=True)
class Enterprise:
    mst: str
    name: str
    loai_hinh: str
    ma_xa: str
    address: str
    founded: date
    status: str
    listed: bool  # has an enterprises.csv row
    ma_don_vi: str  # "" = not registered with BHXH
    rec: date
    capacity: int
    under: bool  # declares only part of its staff to BHXH
    staff: list = field(default_factory=list)  # (person, contract, months, wage)


@dataclass(slots=True)
class School:
    ma_truong: str
    name: str
    cap: str
    students: list = field(default_factory=list)  # (person, lop, khoi, join_version)
    versions: list[int] = field(default_factory=lambda: [0])
    ma_xa: str = ""  # the school's commune when it is not its pupils' (profile knob schools_away)


class Schedule:
    """Delivery dates around the reference dates (first D1, last DL)."""

    def __init__(self, refs: list[date]):
        d1, dl = refs[0], refs[-1]
        self.refs = refs
        self.register = sorted({d1 - 8 * DAY, *(r - DAY for r in refs), dl + DAY})
        self.between = dl - DAY  # changes recorded between the first and last week
        self.tax_full, self.tax_update, self.tax_hkd = d1 - 29 * DAY, d1 - 3 * DAY, dl - 2 * DAY
        self.school_versions = [d1 - 6 * DAY, d1 - 2 * DAY, dl - 4 * DAY, dl - DAY]  # last one never _READY
        self.welfare_first, self.welfare_supp = d1 - 5 * DAY, d1 - DAY
        self.welfare_update, self.welfare_new, self.welfare_late = dl - 4 * DAY, dl, dl + 2 * DAY

    @staticmethod
    def kys(delivered: date) -> list[str]:
        """The three PIT months a tax delivery carries: up to the month before it was sent."""
        last = add_months(delivered.replace(day=1), -1)
        return [add_months(last, -k).strftime("%Y-%m") for k in (2, 1, 0)]


class _Files:
    """Open CSV writers of national files plus their row counters, and the list of delivery folders."""

    def __init__(self, landing: Path):
        self.landing = landing
        self.handles = {}
        self.writers = {}
        self.lines = {}
        self.folders: set[Path] = set()

    def folder(self, source: str, day: date) -> Path:
        path = self.landing / source / day.isoformat()
        if path not in self.folders:
            path.mkdir(parents=True, exist_ok=True)
            self.folders.add(path)
        return path

    def csv(self, source: str, day: date, name: str, header: list[str], bom: bool = False):
        key = (source, day, name)
        if key not in self.writers:
            fh = open(self.folder(source, day) / name, "w", newline="", encoding="utf-8-sig" if bom else "utf-8")
            self.handles[key] = fh
            self.writers[key] = csv.writer(fh, lineterminator="\n")
            self.writers[key].writerow(header)
            self.lines[key] = 1
        return key

    def write(self, key, row) -> int:
        self.writers[key].writerow(row)
        self.lines[key] += 1
        return self.lines[key]

    def rel(self, key) -> str:
        source, day, name = key
        return f"{source}/{day.isoformat()}/{name}"

    def close(self) -> None:
        for fh in self.handles.values():
            fh.close()


class World(ListFiles):
    """Generates the landing zone and truth for one seed."""

    coll = None  # the collection/ source (generate/collection.py) when attached: told each commune and welfare file

    def __init__(self, out: Path, persons: int, seed: int, refs: list[date], truth_lists: bool,
                 n_communes: int | None = None, profile: str | profiles.Profile | None = None):
        from tiemnang.reference.geography import communes, provinces

        self.rng = random.Random(seed)
        self.seed = seed
        self.profile = profiles.get(profile)
        # the profile's own noise stream: default never draws from it, so a seed's default world is unchanged
        self.prng = random.Random(f"{seed}:{self.profile.name}")
        # duplicate register records have their own stream too: every other file of a seed stays as it was
        self.drng = random.Random(f"{seed}:ho_so_trung")
        self.next_duplicate_id = DUPLICATE_ID_BASE
        self.noisy = not self.profile.is_default
        self.target = persons
        self.n_communes = n_communes
        self.sched = Schedule(refs)
        self.year = refs[-1].year
        self.landing = out / "landing"
        self.truth = out / "truth"
        for path in (self.landing, self.truth):
            if path.exists():
                shutil.rmtree(path)
        self.truth.mkdir(parents=True)
        self.files = _Files(self.landing)
        self.dv = Delivered() if truth_lists else None
        self.communes = communes()
        self.provinces = provinces()
        self.uid = 0
        self.next_id = 100_000
        self.households = 0
        self.used_ddcn: set[int] = set()
        self.used_codes: set[str] = set()
        self.not_ready: set[Path] = set()
        self.counts = {"register_persons": 0, "persons": 0, "students": 0, "welfare_rows": 0, "wage_earners": 0,
                       "household_businesses": 0, "enterprises": 0, "spells": 0, "quarantined_rows": 0,
                       "register_duplicates": 0}
        fh = open(self.truth / "records.csv", "w", newline="", encoding="utf-8")
        self._truth_handles = [fh]
        self.records = csv.writer(fh, lineterminator="\n")
        self.records.writerow(RECORD_HEADER)
        fh = open(self.truth / "persons.csv", "w", newline="", encoding="utf-8")
        self._truth_handles.append(fh)
        self.truth_persons = csv.writer(fh, lineterminator="\n")
        self.truth_persons.writerow(TRUTH_PERSON_HEADER)
        fh = open(self.truth / "duplicate_records.csv", "w", newline="", encoding="utf-8")
        self._truth_handles.append(fh)
        self.truth_duplicates = csv.writer(fh, lineterminator="\n")
        self.truth_duplicates.writerow(DUPLICATE_HEADER)
        self.file_rows: list[list[str]] = []
        self.first_commune = True
        self.kys = sorted(set(Schedule.kys(self.sched.tax_full) + Schedule.kys(self.sched.tax_update)))

    # ---------------------------------------------------------------- top level
    def run(self) -> dict:
        rng = self.rng
        n_communes = max(3, min(len(self.communes), self.n_communes or round(self.target / 3000)))
        n_provinces = max(2, min(len(self.provinces), n_communes if self.n_communes else round(n_communes / 8)))
        chosen = sorted(rng.sample(sorted(self.provinces), n_provinces))
        by_province: dict[str, list[str]] = {}
        for code, (_, tinh) in sorted(self.communes.items()):
            by_province.setdefault(tinh, []).append(code)
        picked: list[str] = []
        pools = {t: rng.sample(by_province[t], len(by_province[t])) for t in chosen}
        while len(picked) < n_communes and any(pools.values()):
            for t in chosen:
                if pools[t] and len(picked) < n_communes:
                    picked.append(pools[t].pop())
        weights = [rng.uniform(0.5, 1.5) for _ in picked]
        total = sum(weights)
        quotas = [int(self.target * w / total) for w in weights]
        quotas[0] += self.target - sum(quotas)
        if self.dv is not None:
            self.dv.register_dates = [(d, True) for d in self.sched.register]
        self.picked = picked
        self._atk_rows(picked)
        for ma_xa, quota in zip(picked, quotas, strict=True):
            self._commune(ma_xa, quota)
            self.first_commune = False
        self._finish()
        return {"communes": len(picked), "provinces": len(chosen), **self.counts,
                "reference_dates": [d.isoformat() for d in self.sched.refs]}

    def _atk_rows(self, picked: list[str]) -> None:
        """reference/xa_atk.csv, delivered before the first week: about one commune in eight of the world (at
        least one) is a safe-zone commune (its own random stream), plus a code no longer in force."""
        arng = random.Random(f"{self.seed}:atk")
        chosen = sorted(arng.sample(picked, max(1, len(picked) // 8)))
        day = self.sched.refs[0] - 10 * DAY
        key = self.files.csv("reference", day, "xa_atk.csv", ATK_HEADER)
        path = self.files.rel(key)
        for ma_xa in chosen:
            self.record(path, self.files.write(key, [ma_xa, "Xã an toàn khu (Nghị định 75/2023/NĐ-CP)"]),
                        f"XA:{ma_xa}")
        self.record(path, self.files.write(key, ["99999", "mã xã cũ"]), "XA:?", "ma_xa_khong_hop_le",
                    "ma_xa_khong_hop_le")
        if self.dv is not None:
            self.dv.atk.append((day, True, chosen))

    def _finish(self) -> None:
        self.files.close()
        for folder in sorted(self.files.folders):
            if folder not in self.not_ready:
                (folder / "_READY").touch()
        for fh in self._truth_handles:
            fh.close()
        with open(self.truth / "files.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(FILE_HEADER)
            w.writerows(sorted(self.file_rows))

    def record(self, path: str, dong: int, uid: str | int, reasons: str = "", noise: str = "") -> None:
        if reasons:
            self.counts["quarantined_rows"] += 1
        self.records.writerow([path, dong, uid, "quarantined" if reasons else "accepted", reasons, noise])

    # ---------------------------------------------------------------- people
    def _code(self, prefix: str, digits: int) -> str:
        while True:
            code = prefix + "".join(str(self.rng.randrange(10)) for _ in range(digits))
            if code not in self.used_codes:
                self.used_codes.add(code)
                return code

    def _person(self, family: str, male: bool, age: int, ma_xa: str, tinh: str, ma_ho: str, rel: str,
                in_register: bool, twin_of: Person | None = None) -> Person:
        rng = self.rng
        d1 = self.sched.refs[0]
        birth = twin_of.birth if twin_of else d1 - timedelta(days=age * 365 + rng.randrange(365) + 3)
        prec = 3
        if birth.year < 1960:
            r = rng.random()
            prec = 1 if r < 0.35 else 2 if r < 0.5 else 3
        self.uid += 1
        uid = self.uid
        ddcn = ""
        if not (birth.year < 1960 and rng.random() < 0.3):
            province = int(tinh) if rng.random() < 0.85 else rng.choice(ids.BIRTH_PROVINCES)
            while True:
                value = ids.so_ddcn(province, birth.year, male, rng.randrange(1_000_000))
                if int(value) not in self.used_ddcn:
                    self.used_ddcn.add(int(value))
                    ddcn = value
                    break
        bhxh = "" if birth >= date(2025, 8, 1) and ddcn else f"{tinh}{(uid * 48_271 + self.seed) % 10**8:08d}"
        ho_ten = names.full_name(rng, family, male)
        if self.noisy:
            ho_ten = self._profile_name(ho_ten, family, male, twin_of)
        p = Person(uid, ho_ten, male, birth, prec, ddcn, bhxh, ma_xa, ma_ho, rel)
        if in_register:
            self.next_id += rng.randint(1, 9)
            p.id_nguoi = self.next_id
            r = rng.random()
            p.reg_noise = "dup" if r < 0.002 else "bad_ddcn" if r < 0.004 and ddcn and bhxh else ""
            self.counts["register_persons"] += 1
        self.counts["persons"] += 1
        self.truth_persons.writerow([uid, ddcn, bhxh, p.ho_ten, p.iso_birth(), 1 if male else 2, ma_xa,
                                     p.id_nguoi or ""])
        return p

    def _profile_name(self, ho_ten: str, family: str, male: bool, twin_of: Person | None) -> str:
        """Profile knobs on a person's true name: a very common name, or a twin's own given name."""
        prng = self.prng
        if twin_of is None and prng.random() < self.profile.common_names:
            return prng.choice(profiles.COMMON_NAMES[male])
        if twin_of is not None:
            # twins share surname and often the middle name, never the whole name
            middle = twin_of.ho_ten.split()[1:-1] if twin_of.male == male and prng.random() < 0.6 else []
            while ho_ten == twin_of.ho_ten or ho_ten.split()[-1] == twin_of.ho_ten.split()[-1]:
                ho_ten = names.full_name(prng, family, male)
            if middle:
                ho_ten = " ".join([family, *middle, ho_ten.split()[-1]])
        return ho_ten

    def _household(self, ma_xa: str, tinh: str, in_register: bool) -> list[Person]:
        rng = self.rng
        self.households += 1
        ma_ho = f"{tinh}{(self.households * 7919 + self.seed) % 10**8:08d}" if rng.random() < 0.95 else ""
        family = names.surname(rng)
        head_age = int(min(90, max(20, rng.gauss(48, 15))))
        male = rng.random() < 0.7

        def reg() -> bool:
            return in_register and rng.random() < 0.97

        members = [self._person(family, male, head_age, ma_xa, tinh, ma_ho, "Chủ hộ", reg())]
        if head_age > 22 and rng.random() < 0.78:
            age = max(18, head_age + rng.randint(-6, 4))
            members.append(self._person(names.surname(rng), not male, age, ma_xa, tinh, ma_ho,
                                        "Vợ" if male else "Chồng", reg()))
        if 22 <= head_age <= 60:
            for _ in range(rng.choice((0, 1, 1, 2, 2, 2, 3))):
                age = rng.randint(0, min(head_age - 20, 24))
                child_male = rng.random() < 0.5
                members.append(self._person(family, child_male, age, ma_xa, tinh, ma_ho, "Con", reg()))
            if self.noisy and len(members) > 1 and members[-1].rel == "Con" \
                    and self.prng.random() < self.profile.twins:
                first = members[-1]
                twin_male = first.male if self.prng.random() < 0.5 else not first.male
                members.append(self._person(family, twin_male, 0, ma_xa, tinh, ma_ho, "Con", reg(), twin_of=first))
        if 30 <= head_age <= 55 and rng.random() < 0.15:
            age = min(95, head_age + rng.randint(22, 32))
            parent_male = rng.random() < 0.4
            members.append(self._person(family if parent_male else names.surname(rng), parent_male, age, ma_xa,
                                        tinh, ma_ho, "Bố" if parent_male else "Mẹ", reg()))
        return members

    def _age(self, p: Person) -> int:
        d = self.sched.refs[0]
        return d.year - p.birth.year - ((d.month, d.day) < (p.birth.month, p.birth.day))

    def _spell(self, p: Person, loai: str, code: str, tu: date, den: date | None, *, pt: int | None = None,
               muc: int | None = None, thu_tu: int | None = None, mdv: str = "", rec: date = OLD) -> None:
        if p.id_nguoi is None:
            return
        s = Spell(p.id_nguoi, loai, code, mdv, tu, den, pt, muc, thu_tu, rec)
        p.spells.append(s)
        self.counts["spells"] += 1
        if self.dv is not None:
            self.dv.spells.append(s)

    # ---------------------------------------------------------------- one commune
    def _commune(self, ma_xa: str, quota: int) -> None:
        rng = self.rng
        ten_xa, tinh = self.communes[ma_xa]
        c = _Commune(ma_xa, tinh, ten_xa, rng)
        count = 0
        while count < quota:
            members = self._household(ma_xa, tinh, rng.random() < 0.9)
            count += sum(1 for m in members if m.id_nguoi)
            self._roles(c, members)
            for p in members:
                if p.id_nguoi:
                    self._register_rows(p)
        self._employer_rows(c)
        self._tax_rows(c)
        self._school_files(c)
        self._welfare_files(c)
        if self.coll is not None:
            self.coll.commune(c)

    def _paid_through(self) -> tuple[date, str]:
        rng, refs = self.rng, self.sched.refs
        r = rng.random()
        if r < 0.5:
            return refs[-1] + timedelta(days=31 + rng.randrange(200)), "active"
        if r < 0.72:
            return rng.choice(refs) - DAY + timedelta(days=rng.randrange(31)), "due"
        jan = date(refs[0].year, 1, 20)
        if r < 0.88:
            return jan + timedelta(days=rng.randrange((refs[0] - 2 * DAY - jan).days)), "stopped"
        return date(refs[0].year - 1, 3, 1) + timedelta(days=rng.randrange(290)), "lapsed"

    def _periodic(self, p: Person, loai: str, code: str, pt: int, *, muc: int | None = None,
                  thu_tu: int | None = None, den_state: tuple[date, str] | None = None) -> None:
        """A paid-by-period spell (GD card or BHXH_TN), its predecessor, and sometimes a recorded renewal."""
        rng = self.rng
        den, state = den_state or self._paid_through()
        tu = add_months(den + DAY, -pt)
        self._spell(p, loai, code, tu, den, pt=pt, muc=muc, thu_tu=thu_tu)
        if rng.random() < 0.6:
            self._spell(p, loai, code, add_months(tu, -pt), tu - DAY, pt=pt, muc=muc, thu_tu=thu_tu)
        if state == "due" and rng.random() < 0.25:
            rec = OLD if rng.random() < 0.5 else self.sched.between
            self._spell(p, loai, code, den + DAY, add_months(den + DAY, pt) - DAY, pt=pt, muc=muc, thu_tu=thu_tu,
                        rec=rec)

    def _card(self, p: Person, code: str) -> None:
        """This year's card with the given object code (and often last year's, with up to three older ones)."""
        y = self.year
        if self.rng.random() < 0.85:
            # the register keeps expired cards: history that no rule looks at, but real volume to load and
            # match (it takes no draw from the generator, so the rest of the world stays the same)
            for back in range(4, 1, -1):
                if y - back > p.birth.year:
                    self._spell(p, "BHYT", code, date(y - back, 1, 1), date(y - back, 12, 31))
            self._spell(p, "BHYT", code, date(y - 1, 1, 1), date(y - 1, 12, 31))
        self._spell(p, "BHYT", code, date(y, 1, 1), date(y, 12, 31))

    def _late_card(self, p: Person, code: str) -> None:
        """Coverage recorded between the first and the last reference week."""
        if self.rng.random() < 0.12:
            self._spell(p, "BHYT", code, self.sched.refs[0] + 4 * DAY, date(self.year, 12, 31),
                        rec=self.sched.between)

    def _roles(self, c: _Commune, members: list[Person]) -> None:
        rng = self.rng
        r = rng.random()
        category = ("HN" if r < 0.04 else "CN" if r < 0.09 else "NLNDM" if r < 0.13 and not c.ward
                    else "DTTS" if r < 0.19 and c.dtts else "")
        covered = set()
        y = self.year
        if category:
            code = c.household_code(rng.randint(1, c.hamlets))
            label = {"HN": "ho_ngheo_can_ngheo", "CN": "ho_ngheo_can_ngheo", "NLNDM": "nong_lam_ngu_diem_nghiep",
                     "DTTS": "dan_toc_thieu_so"}[category]
            late = rng.random()
            if category == "HN" and late < 0.12:
                label = "ho_ngheo_moi"
            elif category == "HN" and late < 0.15:
                label = "ho_ngheo_dot2"
            elif category == "CN" and late < 0.12:
                label = "ho_can_ngheo_bo_sung"
            for p in members:
                c.welfare.setdefault(label, []).append((p, category, code))
            card = {"HN": ("HN", 0.75), "CN": ("CN", 0.55), "DTTS": ("DT", 0.55)}.get(category)
            for p in members:
                if card and rng.random() < card[1]:
                    self._card(p, card[0])
                    covered.add(p.uid)
                elif card:
                    self._late_card(p, card[0])
        else:
            code = ""
        for p in members:
            age = self._age(p)
            if age >= 55 and (rng.random() < 0.03 or (category == "CN" and 70 <= age <= 74 and rng.random() < 0.5)):
                hh = code or c.household_code(rng.randint(1, c.hamlets))
                code = hh
                c.tuat.append((p, hh, rng.random() < 0.15))
                if p.uid not in covered and rng.random() < 0.6:
                    self._card(p, "CC")
                    covered.add(p.uid)
            if age >= 80 and rng.random() < 0.5:
                c.welfare.setdefault("tro_cap_xa_hoi", []).append((p, "HTXH", code))
                if p.uid not in covered and rng.random() < 0.7:
                    self._card(p, "BT")
                    covered.add(p.uid)
            level = self._level(age, c)
            if level:
                school = c.school(level, self)
                school.students.append((p, *c.klass(level, age), 0))
                self.counts["students"] += 1
            if p.uid in covered:
                continue
            if age < 6:
                self._spell(p, "BHYT", "TE", p.birth, date(p.birth.year + 6, p.birth.month, 1) - DAY)
                covered.add(p.uid)
                continue
            if level:
                if rng.random() < 0.85:
                    self._card(p, "SV" if level in ("CD", "DH") else "HS")
                    covered.add(p.uid)
                else:
                    self._late_card(p, "HS")
                continue
            if 18 <= age <= 60 and rng.random() < 0.19:
                if self._employ(c, p):
                    covered.add(p.uid)
                continue
            if 25 <= age <= 65 and rng.random() < 0.1:
                c.hkd.append((p, "KE_KHAI" if rng.random() < 0.35 else "KHOAN", rng.random() < 0.08))
                self.counts["household_businesses"] += 1
                if rng.random() < 0.25:
                    self._periodic(p, "BHXH_TN", "", rng.choice((1, 3, 6, 12)), muc=self._income())
                continue
            if 25 <= age <= 60 and rng.random() < 0.04:
                self._periodic(p, "BHXH_TN", "", rng.choice((1, 3, 6, 12)), muc=self._income())
            if age >= 60 and rng.random() < 0.3:
                self._spell(p, "BHYT", "HT", date(rng.randint(2010, y - 1), rng.randint(1, 12), 1), None)
                covered.add(p.uid)
        buyers = [p for p in members if p.uid not in covered and p.id_nguoi]
        if buyers and category not in ("HN", "CN") and rng.random() < 0.4:
            if len(buyers) >= 2 and rng.random() < 0.2:
                buyers.pop()
            pt = rng.choice((3, 6, 6, 12, 12))
            den_state = self._paid_through()
            for order, p in enumerate(buyers, 1):
                self._periodic(p, "BHYT", "GD", pt, thu_tu=order, den_state=den_state)
                covered.add(p.uid)
        for p in members:
            if p.uid not in covered and rng.random() < 0.3:
                self._card(p, "GB")

    def _income(self) -> int:
        return 1_500_000 + 50_000 * self.rng.randint(0, 130)

    @staticmethod
    def _level(age: int, c: _Commune) -> str:
        rng = c.rng
        if 3 <= age <= 5:
            return "MN" if rng.random() < 0.8 else ""
        if 6 <= age <= 10:
            return "TH" if rng.random() < 0.97 else ""
        if 11 <= age <= 14:
            return "THCS" if rng.random() < 0.95 else ""
        if 15 <= age <= 17:
            return "THPT" if rng.random() < 0.85 else ""
        if 18 <= age <= 22 and c.higher:
            return c.higher if rng.random() < 0.5 else ""
        return ""

    def _employ(self, c: _Commune, p: Person) -> bool:
        """Put a person on an enterprise's payroll; returns whether the employer pays their BHYT."""
        rng = self.rng
        ent = next((e for e in c.enterprises[-3:] if len(e.staff) < e.capacity), None) or self._enterprise(c)
        contract = rng.choices(("KXD", "XD", "DUOI_1_THANG", "KHAC"), (50, 30, 10, 10))[0]
        kys = self.kys
        r = rng.random()
        months = kys[-1:] if r < 0.1 else kys[:-1] if r < 0.15 else kys
        ent.staff.append((p, contract, months, rng.randint(50, 400) * 100_000))
        self.counts["wage_earners"] += 1
        if not ent.ma_don_vi:
            return False
        bb_share = (0.6 if ent.under else 0.97) if contract in ("KXD", "XD") else 0.2
        if rng.random() >= bb_share:
            return False
        first = date(int(months[0][:4]), int(months[0][5:]), 1)
        tu = first + timedelta(days=rng.randrange(10)) if r < 0.1 else date(rng.randint(2012, self.year - 1),
                                                                           rng.randint(1, 12), 1)
        den = None
        if months[-1] != kys[-1]:
            den = add_months(date(int(months[-1][:4]), int(months[-1][5:]), 1), 1) - DAY
        self._spell(p, "BHXH_BB", "", tu, den, mdv=ent.ma_don_vi, rec=ent.rec)
        self._spell(p, "BHYT", "DN", date(self.year, 1, 1), date(self.year, 12, 31), mdv=ent.ma_don_vi, rec=ent.rec)
        return True

    def _enterprise(self, c: _Commune) -> Enterprise:
        rng = self.rng
        loai, form = rng.choice(ENTERPRISE_KIND)
        mst = ids.tax_code(rng)
        name = f"{form} {rng.choice(BUSINESS)} {rng.choice(FAMOUS)}"
        if rng.random() < 0.2:
            mst += f"-{rng.randint(1, 20):03d}"
            name += f" - CHI NHÁNH {c.ten_xa.upper()}"
        registered = rng.random() < 0.78
        mdv = ""
        if registered:
            mdv = self._code("".join(rng.choice("ABCDEGHKLMNPQTV") for _ in range(2)), 4) + rng.choice("ABCDEF")
        ma_xa, ten_xa = c.ma_xa, c.ten_xa
        if self.noisy and self.prng.random() < self.profile.employers_away:
            ma_xa = self._elsewhere(c, same_province=self.prng.random() < 0.5)
            ten_xa = self.communes[ma_xa][0]
        ent = Enterprise(mst, name, loai, ma_xa, f"Số {rng.randint(1, 400)}, {ten_xa}",
                         date(rng.randint(1995, self.year - 1), rng.randint(1, 12), rng.randint(1, 28)),
                         "00" if rng.random() < 0.95 else rng.choice(("01", "03", "04")), rng.random() < 0.97,
                         mdv, self.sched.between if registered and rng.random() < 0.06 else OLD,
                         rng.randint(2, 30), rng.random() < 0.3)
        c.enterprises.append(ent)
        self.counts["enterprises"] += 1
        return ent

    def _elsewhere(self, c: _Commune, same_province: bool) -> str:
        """Another commune: in c's province, or in another one (profile knobs, from the profile's stream)."""
        pool = [x for x, (_, tinh) in sorted(self.communes.items())
                if x != c.ma_xa and (tinh == c.tinh) == same_province]
        return self.prng.choice(pool)

    # ---------------------------------------------------------------- register and tax (national files)
    def _register_rows(self, p: Person) -> None:
        files = self.files
        ddcn = p.ddcn[:-1] if p.reg_noise == "bad_ddcn" else p.ddcn
        row = [p.id_nguoi, p.bhxh, ddcn, p.ho_ten, p.iso_birth(), 1 if p.male else 2, p.ma_xa, p.ma_ho]
        noise = "ddcn_sai_cau_truc" if p.reg_noise == "bad_ddcn" else ""
        cov = [[s.id_nguoi, s.loai, s.ma_doi_tuong, s.ma_don_vi, s.tu_ngay.isoformat(),
                s.den_ngay.isoformat() if s.den_ngay else "", s.phuong_thuc or "", s.muc_thu_nhap or "",
                s.thu_tu_trong_ho or ""] for s in p.spells]
        dup = self._duplicate(p)
        for snap in self.sched.register:
            key = files.csv("register", snap, "persons.csv", PERSON_HEADER)
            path = files.rel(key)
            self.record(path, files.write(key, row), p.uid, "", noise)
            if p.reg_noise == "dup":
                self.record(path, files.write(key, row), p.uid, "trung_lap", "trung_lap")
            if dup and dup.rec <= snap:
                self.record(path, files.write(key, [dup.id_nguoi, dup.bhxh, dup.ddcn, dup.ho_ten, dup.birth,
                                                    1 if p.male else 2, dup.ma_xa, dup.ma_ho]), p.uid, "", dup.noise)
            ckey = files.csv("register", snap, "coverage.csv", COVERAGE_HEADER)
            for s, line in zip(p.spells, cov, strict=True):
                if s.rec <= snap:
                    files.write(ckey, line)
            for s in dup.spells if dup else ():
                if s.rec <= snap:
                    files.write(ckey, [s.id_nguoi, s.loai, s.ma_doi_tuong, s.ma_don_vi, s.tu_ngay.isoformat(),
                                       s.den_ngay.isoformat(), "", "", ""])
        if self.dv is not None:
            self.dv.persons.append((p.uid, p.id_nguoi, p.ma_xa, p.ma_ho, OLD, p.first_day))
            if dup:
                self.dv.persons.append((p.uid, dup.id_nguoi, dup.ma_xa, dup.ma_ho, dup.rec, p.first_day))
                self.dv.spells.extend(dup.spells)

    def _duplicate(self, p: Person) -> Duplicate | None:
        """A second register record for about 0.3 % of register persons (CONTRACT §4.5), from its own stream.

        As the register's real duplicates: a later record (greater id_nguoi) with the same so_ddcn and another
        ma_so_bhxh (a second SI number issued), or without so_ddcn and with the same ma_so_bhxh (an old record
        from before the CCCD); often the name typed without diacritics, in capitals or without the middle name,
        sometimes only the birth year; about one in four made where the person moved to (another commune of the
        world), a few recorded only between the first and the last week. They always share a trusted ID with the
        first record (the matching merges register records only through one). When the first record's card
        (not GD) covers every reference date, about half of the second records carry a card of this year too:
        two cards on two records, THE_TRUNG; the others carry no card on D (HO_SO_TRUNG), some an old one.
        A second record never holds a GD card or a BHXH spell, so no other list changes (the person is covered
        already; nothing becomes due or stopped).
        """
        drng = self.drng
        if drng.random() >= DUPLICATE_SHARE or p.reg_noise or not (p.ddcn or p.bhxh):
            return None
        tinh = self.communes[p.ma_xa][1]
        noise = ["ho_so_trung"]
        if p.ddcn and (not p.bhxh or drng.random() < 0.7):
            # a second SI number (none for a person registered since 08/2025 without one: the CCCD serves)
            ddcn, bhxh = p.ddcn, f"{tinh}{(p.uid * 48_271 + self.seed + 50_000_000) % 10**8:08d}" if p.bhxh else ""
            noise.append("ma_so_bhxh_khac")
        else:
            ddcn, bhxh = "", p.bhxh
            noise.append("khong_so_ddcn")
        name, r = p.ho_ten, drng.random()
        if r < 0.2:
            name = names.strip_diacritics(name)
            noise.append("khong_dau")
        elif r < 0.3:
            name = name.upper()
            noise.append("chu_hoa")
        elif r < 0.4 and len(name.split()) > 2:
            parts = name.split()
            name = f"{parts[0]} {parts[-1]}"
            noise.append("ten_dem_bo")
        birth = p.iso_birth()
        if p.prec > 1 and drng.random() < 0.15:
            birth = birth[:4]
            noise.append("chi_nam_sinh")
        ma_xa, ma_ho = p.ma_xa, p.ma_ho if drng.random() < 0.5 else ""
        if drng.random() < 0.25:
            here = self.communes[p.ma_xa][1]
            others = [x for x in self.picked if x != p.ma_xa]
            near = [x for x in others if self.communes[x][1] == here]
            if near or others:
                ma_xa, ma_ho = drng.choice(near or others), ""
                noise.append("xa_khac")
        rec = self.sched.between if drng.random() < 0.15 else OLD
        self.next_duplicate_id += drng.randint(1, 9)
        dup = Duplicate(self.next_duplicate_id, bhxh, ddcn, name, birth, ma_xa, ma_ho, rec, ";".join(noise))
        y = self.year
        own = [s for s in p.spells if s.loai == "BHYT" and s.rec == OLD]
        current = {s.ma_doi_tuong for s in own if all(s.covers(d) for d in self.sched.refs)}
        if current and "GD" not in {s.ma_doi_tuong for s in own} and drng.random() < 0.5:
            codes = [c for c in DUPLICATE_CARD_CODES if c not in current
                     and (c != "TE" or self._age(p) < 6) and (c != "HS" or 6 <= self._age(p) <= 18)]
            code = drng.choice(codes)
            card_rec = rec if rec != OLD or drng.random() < 0.8 else self.sched.between
            dup.spells.append(Spell(dup.id_nguoi, "BHYT", code, "", date(y, 1, 1), date(y, 12, 31), None, None,
                                    None, card_rec))
        elif drng.random() < 0.4 and y - 3 > p.birth.year:
            code = min(current) if current else "GB"
            dup.spells.append(Spell(dup.id_nguoi, "BHYT", code, "", date(y - 3, 1, 1), date(y - 3, 12, 31), None,
                                    None, None, rec))
        self.counts["register_duplicates"] += 1
        self.counts["spells"] += len(dup.spells)
        self.truth_duplicates.writerow([p.uid, dup.id_nguoi, ddcn, bhxh, name, birth, ma_xa, ma_ho, rec.isoformat(),
                                        dup.noise])
        return dup

    def _employer_rows(self, c: _Commune) -> None:
        units = [e for e in c.enterprises if e.ma_don_vi]
        for snap in self.sched.register:
            key = self.files.csv("register", snap, "employers.csv", EMPLOYER_HEADER)
            for e in units:
                if e.rec <= snap:
                    self.record(self.files.rel(key), self.files.write(key, [e.ma_don_vi, e.mst, e.name, e.ma_xa]),
                                f"DV:{e.mst}")
            self._ledger_rows(snap, [e for e in units if e.rec <= snap])
        if self.dv is not None:
            self.dv.employers.extend((e.ma_don_vi, e.mst, e.ma_xa, e.rec) for e in units)

    def _ledger_rows(self, snap: date, units: list[Enterprise]) -> None:
        """contributions.csv of a register snapshot: each unit's last 24 months up to the month before it.

        Each unit's own random stream (the world's is not drawn from, so every other file stays as it was):
        ~80 % pay every month, ~12 % are one to three months behind (at most two of them overdue: not listed),
        ~8 % are four to seven months behind (three or more overdue: don_vi_no_dong), one month of them paid
        in part. The first commune also sends a row for a unit the register does not know.
        """
        key = self.files.csv("register", snap, "contributions.csv", LEDGER_HEADER)
        path = self.files.rel(key)
        last = add_months(snap.replace(day=1), -1)
        months = [add_months(last, -k).strftime("%Y-%m") for k in range(LEDGER_MONTHS - 1, -1, -1)]
        for e in units:
            urng = random.Random(f"{self.seed}:ledger:{e.ma_don_vi}")
            due = urng.randint(2, 40) * urng.choice((1_520_000, 1_870_000, 2_405_000))
            r = urng.random()
            behind = 0 if r < 0.80 else urng.randint(1, 3) if r < 0.92 else urng.randint(4, 7)
            partial = urng.randrange(behind) if behind else -1
            for i, ky in enumerate(months):
                unpaid = i >= LEDGER_MONTHS - behind
                paid = due if not unpaid else (due // 3 if i == LEDGER_MONTHS - behind + partial else 0)
                self.record(path, self.files.write(key, [e.ma_don_vi, ky, due, paid]), f"DV:{e.mst}")
                if self.dv is not None:
                    self.dv.contributions.append((snap, e.ma_don_vi, ky, due, paid))
        if self.first_commune:
            self.record(path, self.files.write(key, ["ZZ0000Z", months[-1], 1_000_000, 0]), "DV:?",
                        "don_vi_khong_ton_tai", "don_vi_khong_ton_tai")

    def _tax_delivery(self, kind: str, day: date) -> list:
        assert self.dv is not None
        for d, _, rows in self.dv.tax[kind]:
            if d == day:
                return rows
        rows: list = []
        self.dv.tax[kind].append((day, True, rows))
        return rows

    def _tax_name(self, p: Person) -> tuple[str, str]:
        r = self.rng.random()
        if r < 0.25:
            return p.ho_ten.upper(), "chu_hoa"
        if r < 0.35:
            return names.strip_diacritics(p.ho_ten).upper(), "chu_hoa;khong_dau"
        return p.ho_ten, ""

    def _profile_row(self, p: Person, name: str, birth, ddcn: str, notes: list[str]) -> tuple:
        """The profile's row-level noise on one source row's name, birth date and so_ddcn."""
        prof, prng = self.profile, self.prng
        name = profiles.mangle_name(prof, prng, name, notes)
        birth = profiles.mangle_birth(prof, prng, birth, p.birth, p.prec, notes)
        ddcn = profiles.mangle_ddcn(prof, prng, ddcn, p.uid, bool(birth), notes)
        return name, birth, ddcn

    def _tax_rows(self, c: _Commune) -> None:
        rng, files, sched = self.rng, self.files, self.sched
        for day in (sched.tax_full, sched.tax_update):
            kys = Schedule.kys(day)
            key = files.csv("tax", day, "enterprises.csv", ENTERPRISE_HEADER)
            delivered = self._tax_delivery("enterprises", day) if self.dv is not None else None
            for e in c.enterprises:
                if not e.listed:
                    continue
                staff = sum(1 for _, _, months, _ in e.staff if kys[-1] in months)
                row = [e.mst, e.name, e.loai_hinh, e.ma_xa, e.address, e.founded.strftime("%d/%m/%Y"), e.status,
                       staff, kys[-1]]
                self.record(files.rel(key), files.write(key, row), f"DV:{e.mst}")
                if delivered is not None:
                    delivered.append((e.mst, e.ma_xa, e.status, staff))
            if self.first_commune:
                good = ids.tax_code(rng)
                bad = ids.bad_check_digit(good)
                row = [bad, f"CÔNG TY TNHH {rng.choice(BUSINESS)} Sai Mã", "NQD", c.ma_xa, f"Số 9, {c.ten_xa}",
                       "01/02/2020", "00", 5, kys[-1]]
                self.record(files.rel(key), files.write(key, row), f"DV:{good}", "ma_so_thue_khong_hop_le",
                            "ma_so_thue_sai_so_kiem_tra")
                code = ids.tax_code(rng)
                row = [code, f"CÔNG TY CỔ PHẦN {rng.choice(BUSINESS)} Xã Lạ", "NQD", "99999", "Số 1, không rõ",
                       "05/05/2019", "00", 3, kys[-1]]
                self.record(files.rel(key), files.write(key, row), f"DV:{code}", "ma_xa_khong_hop_le",
                            "ma_xa_khong_ton_tai")
            key = files.csv("tax", day, "wage_earners.csv", WAGE_HEADER)
            delivered = self._tax_delivery("wage_earners", day) if self.dv is not None else None
            for e in c.enterprises:
                for p, contract, months, wage in e.staff:
                    for ky in months:
                        if ky not in kys:
                            continue
                        name, noise = self._tax_name(p)
                        ddcn, birth, reasons = p.ddcn, p.vn_birth(), ""
                        notes = [noise] if noise else []
                        r = rng.random()
                        if r < 0.003:
                            ddcn, birth, reasons = "", "", "khong_dinh_danh"
                        elif r < 0.06:
                            ddcn = ""
                        elif r < 0.08 and ddcn:
                            ddcn = ids.ddcn_typo(rng, ddcn)
                            notes.append("ddcn_sai_mot_so")
                        elif r < 0.16 and ddcn:
                            birth = ""
                            notes.append("ngay_sinh_thieu")
                        if self.noisy and not reasons:
                            name, birth, ddcn = self._profile_row(p, name, birth, ddcn, notes)
                        if not p.ddcn and not ddcn:
                            notes.append("ddcn_thieu")
                        row = [e.mst, ddcn, name, birth, ky, wage + rng.randint(-20, 20) * 10_000, contract]
                        self.record(files.rel(key), files.write(key, row), p.uid, reasons, ";".join(notes))
                        if reasons:
                            continue
                        if delivered is not None:
                            delivered.append((p.uid, e.mst, ky, contract))
                        if rng.random() < 0.003:
                            self.record(files.rel(key), files.write(key, row), p.uid, "trung_lap", "trung_lap")
        for day, late_too in ((sched.tax_full, False), (sched.tax_hkd, True)):
            key = files.csv("tax", day, "household_businesses.csv", HKD_HEADER, bom=day == sched.tax_hkd)
            delivered = self._tax_delivery("household_businesses", day) if self.dv is not None else None
            for i, (p, method, late) in enumerate(c.hkd):
                if late and not late_too:
                    continue
                name, noise = self._tax_name(p)
                birth = p.vn_birth()
                if self.noisy:
                    hkd_notes = [noise] if noise else []
                    name, birth, _ = self._profile_row(p, name, birth, "", hkd_notes)
                    noise = ";".join(hkd_notes)
                legacy = rng.random() < 0.15 or not p.ddcn
                code = ids.tax_code(random.Random(p.uid)) if legacy else p.ddcn
                ddcn = "" if legacy and rng.random() < 0.5 else p.ddcn
                xa, reasons = c.ma_xa, ""
                if (self.first_commune and i == 0) or rng.random() < 0.004:
                    xa, reasons = "99999", "ma_xa_khong_hop_le"
                row = [code, name, ddcn, birth, "Nam" if p.male else "Nữ", xa,
                       f"{c.hamlet_name(p.uid % c.hamlets + 1)}, {c.ten_xa}", TRADES[p.uid % len(TRADES)],
                       (p.uid % 500 + 50) * 10_000_000, method]
                notes = ";".join(x for x in (noise, "ma_so_thue_cu" if legacy else "") if x)
                self.record(files.rel(key), files.write(key, row), p.uid, reasons, notes)
                if reasons:
                    continue
                if delivered is not None:
                    delivered.append((p.uid, xa, method))
                if rng.random() < 0.005:
                    self.record(files.rel(key), files.write(key, row), p.uid, "trung_lap", "trung_lap")


class _Commune:
    """Per-commune state collected while its households are generated, written out at the end."""

    def __init__(self, ma_xa: str, tinh: str, ten_xa: str, rng: random.Random):
        self.ma_xa, self.tinh, self.ten_xa, self.rng = ma_xa, tinh, ten_xa, rng
        self.ward = ten_xa.startswith("Phường")
        self.hamlet_word = "Tổ dân phố" if self.ward else rng.choice(("Thôn", "Ấp", "Bản"))
        self.hamlets = rng.randint(4, 15)
        self.dtts = not self.ward and rng.random() < 0.3
        self.higher = rng.choice(("CD", "DH", "GDNN")) if rng.random() < 0.3 else ""
        self.schools: dict[str, list[School]] = {}
        self.enterprises: list[Enterprise] = []
        self.hkd: list[tuple[Person, str, bool]] = []
        self.welfare: dict[str, list[tuple[Person, str, str]]] = {}
        self.tuat: list[tuple[Person, str, bool]] = []
        self._household_seq: dict[int, int] = {}

    def hamlet_name(self, k: int) -> str:
        return f"{self.hamlet_word} {k}"

    def household_code(self, hamlet: int) -> str:
        n = self._household_seq[hamlet] = self._household_seq.get(hamlet, 0) + 1
        return f"{hamlet:02d}-{n:03d}"

    def school(self, level: str, world: World) -> School:
        away = ""
        if world.noisy and level not in ("MN", "TH") and world.prng.random() < world.profile.schools_away:
            # a pupil at a school in another province: one such school per level and commune
            pool = self.schools.setdefault(f"{level}@", [])
            away = pool[-1].ma_xa if pool else world._elsewhere(self, same_province=False)
        else:
            pool = self.schools.setdefault(level, [])
        cap = 1500 if level in ("CD", "DH", "GDNN") else 450
        if not pool or len(pool[-1].students) >= cap:
            code = world._code(world.communes[away][1] if away else self.tinh, 6)
            pool.append(School(code, f"{LEVEL_NAMES[level]} {self.rng.choice(FAMOUS)}", level, ma_xa=away))
        return pool[-1]

    def klass(self, level: str, age: int) -> tuple[str, str]:
        rng = self.rng
        if level == "MN":
            return f"{rng.choice(('Mầm', 'Chồi', 'Lá'))} {rng.randint(1, 4)}", ""
        if level in ("CD", "DH", "GDNN"):
            year = min(6, max(1, age - 17))
            return f"K{67 - year}-{rng.choice(('CNTT', 'KT', 'QTKD', 'DL', 'CK'))}", f"Năm {year}"
        grade = min(12, max(1, age - 5))
        return f"{grade}{rng.choice('ABCD')}{rng.randint(1, 6)}", str(grade)

