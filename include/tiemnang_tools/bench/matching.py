"""A noisy benchmark world written straight into ops.file_log and stg.* (with its truth), to measure matching.

Not used by the pipeline: `python -m tiemnang_tools.bench.matching --persons N --sources M` builds a world in the
database given by --db, runs matching, and prints timings and precision/recall.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import psycopg

from tiemnang import db
from tiemnang.vietnamese import bo_dau

SURNAMES = [("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 3), ("Huỳnh", 2), ("Phan", 4.5),
            ("Vũ", 2), ("Võ", 1.9), ("Đặng", 2.1), ("Bùi", 2), ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3),
            ("Dương", 1), ("Lý", 0.5), ("Đinh", 0.6), ("Trương", 0.6), ("Mai", 0.4), ("Lương", 0.4), ("Hà", 0.4),
            ("Tạ", 0.2), ("Lò", 0.2), ("Quách", 0.1), ("Châu", 0.2), ("Thái", 0.2), ("Kiều", 0.1)]
MIDDLE_M = ["Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Ngọc", "Xuân", "Trọng", "Gia"]
MIDDLE_F = ["Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Kim", "Hồng", "Mỹ", "Phương", "Bảo", "Thúy"]
GIVEN_M = ["An", "Anh", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hải", "Hiếu", "Hòa", "Hoàng", "Hùng", "Huy",
           "Khánh", "Khoa", "Kiên", "Lâm", "Long", "Lực", "Mạnh", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân",
           "Quang", "Sơn", "Tài", "Tâm", "Thắng", "Thành", "Thịnh", "Toàn", "Trung", "Tú", "Tuấn", "Tùng", "Việt",
           "Vinh", "Vũ", "Bảo", "Duy", "Đạt", "Hưng", "Khải", "Lộc", "Nhân", "Phát", "Thái", "Thọ", "Tiến"]
GIVEN_F = ["An", "Anh", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hòa", "Hồng",
           "Hương", "Huyền", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nhung", "Oanh",
           "Phương", "Quyên", "Quỳnh", "Tâm", "Thảo", "Thơ", "Thủy", "Thúy", "Trang", "Trinh", "Tuyết", "Uyên",
           "Vân", "Vy", "Xuân", "Yến", "Ánh", "Diệp", "Hậu", "Khuê", "Lệ", "Mơ", "Nguyệt", "Phượng", "Sen", "Thoa"]
_TONES = "\u0300\u0301\u0303\u0309\u0323"


@dataclass
class Human:
    uid: int
    ho: str
    dem: str
    ten: str
    male: bool
    born: date
    year_only: bool
    xa: str
    tinh: str
    ddcn: str | None
    bhxh: str | None
    in_register: bool


def _name(h: Human) -> str:
    return f"{h.ho} {h.dem} {h.ten}"


def _old_style(text: str) -> str:
    """Hoà → Hòa: the tone on the first vowel of oa/oe/uy (the other placement)."""
    nfd = unicodedata.normalize("NFD", text)
    moved = re.sub(f"([oOuU])([aAeEyY])([{_TONES}])", r"\1\3\2", nfd)
    return unicodedata.normalize("NFC", moved)


def _dob(h: Human) -> str:
    return str(h.born.year) if h.year_only else h.born.isoformat()


def make_humans(rng: random.Random, n: int, communes: list[tuple[str, str]], register_share: float) -> list[Human]:
    surnames, weights = zip(*SURNAMES, strict=True)
    out: list[Human] = []
    serial = 0
    while len(out) < n:
        ho = rng.choices(surnames, weights)[0]
        xa, tinh = rng.choice(communes)
        twins = rng.random() < 0.01
        born = date(rng.randint(1935, 2021), rng.randint(1, 12), rng.randint(1, 28))
        for _ in range(2 if twins else 1):
            male = rng.random() < 0.5
            serial += 1
            year_only = born.year < 1960 and rng.random() < 0.3
            century = (0 if born.year < 2000 else 2) + (0 if male else 1)
            ddcn = f"{rng.randint(1, 96):03d}{century}{born.year % 100:02d}{serial:06d}"
            in_register = rng.random() < register_share
            has_ddcn = rng.random() < 0.9
            has_bhxh = rng.random() < 0.8 or not has_ddcn
            given = rng.choice(GIVEN_M if male else GIVEN_F)
            if twins and out and out[-1].born == born and out[-1].ho == ho and out[-1].ten == given:
                given = rng.choice([g for g in (GIVEN_M if male else GIVEN_F) if g != given])
            out.append(Human(len(out) + 1, ho, rng.choice(MIDDLE_M if male else MIDDLE_F), given, male, born,
                             year_only, xa, tinh, ddcn if has_ddcn else None,
                             f"{serial + 10**9:010d}"[-10:] if has_bhxh else None, in_register))
    return out[:n]


def noisy(rng: random.Random, h: Human, *, id_share: float) -> dict:
    """A source's view of a human: names without diacritics, other tone placement, NFD, dropped middle name,
    regional surname, given-name typo; swapped or partial or mistyped birth dates; missing or mistyped IDs."""
    name = _name(h)
    r = rng.random()
    if r < 0.15:
        name = bo_dau(name)
    elif r < 0.25:
        name = _old_style(name)
    elif r < 0.30:
        name = unicodedata.normalize("NFD", name)
    elif r < 0.33:
        name = f"{h.ho} {h.ten}"
    elif r < 0.35:
        name = {"Hoàng": "Huỳnh", "Huỳnh": "Hoàng", "Vũ": "Võ", "Võ": "Vũ"}.get(h.ho, h.ho) + f" {h.dem} {h.ten}"
    elif r < 0.36:
        name = name.upper()
    dob = _dob(h)
    r = rng.random()
    if not h.year_only and h.born.day <= 12 and r < 0.02:
        dob = date(h.born.year, h.born.day, h.born.month).isoformat()
    elif not h.year_only and r < 0.04:
        dob = str(h.born.year)
    elif not h.year_only and r < 0.05:
        dob = h.born.replace(day=(h.born.day % 28) + 1).isoformat()
    ddcn, trusted = None, False
    if h.ddcn and rng.random() < id_share:
        ddcn, trusted = h.ddcn, True
        if rng.random() < 0.03:
            pos = rng.randrange(12)
            ddcn = ddcn[:pos] + str((int(ddcn[pos]) + rng.randint(1, 9)) % 10) + ddcn[pos + 1:]
            trusted = pos >= 6     # a slip in the serial still looks valid
    return {"ho_ten": name, "ngay_sinh": dob, "gioi_tinh": (1 if h.male else 2) if rng.random() > 0.03 else None,
            "so_ddcn": ddcn, "tin_cay": trusted}


def build(conn: psycopg.Connection, n_persons: int, n_sources: int, seed: int = 7,
          delivery: date = date(2026, 1, 5)) -> list[tuple[str, int, str]]:
    """Write the world; returns the truth (path, dong, person uid)."""
    rng = random.Random(seed)
    with conn.cursor() as cur:
        cur.execute("SELECT ma_xa, ma_tinh FROM ref.commune ORDER BY ma_xa")
        communes = cur.fetchall()
    by_tinh: dict[str, list[str]] = {}
    for xa, tinh in communes:
        by_tinh.setdefault(tinh, []).append(xa)
    humans = make_humans(rng, n_persons, communes, register_share=0.85)
    truth: list[tuple[str, int, str]] = []
    files: dict[str, int] = {}

    def file_id(source: str, kind: str, path: str) -> int:
        if path not in files:
            with conn.cursor() as cur:
                cur.execute("INSERT INTO ops.file_log (source, path, delivery_date, kind, file_key, sha256, status)"
                            " VALUES (%s, %s, %s, %s, %s, %s, 'loaded') RETURNING file_id",
                            (source, path, delivery, kind, path, f"bench-{path}"))
                files[path] = cur.fetchone()[0]
        return files[path]

    reg_path = f"register/{delivery}/persons.csv"
    reg = file_id("register", "persons", reg_path)
    rows = {k: [] for k in ("persons", "students", "welfare", "household_businesses", "wage_earners", "schools")}
    for h in humans:
        if h.in_register:
            dong = len(rows["persons"]) + 2
            rows["persons"].append((reg, dong, h.uid, h.bhxh, h.bhxh is not None, h.ddcn, h.ddcn is not None,
                                    _name(h), _dob(h), 1 if h.male else 2, h.xa))
            truth.append((reg_path, dong, str(h.uid)))
    schools: dict[str, str] = {}
    enterprises: dict[str, str] = {}
    made = 0
    for h in rng.sample(humans, len(humans)):   # each human drawn once: a list names a person once
        if made >= n_sources:
            break
        age = 2026 - h.born.year
        kinds = ["welfare", "welfare"] + (["schools", "schools"] if 5 <= age <= 22 else []) + \
            (["household_businesses", "wage_earners", "wage_earners"] if 18 <= age <= 65 else [])
        seen: set[str] = set()   # a list or roster names a person once
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            kind = rng.choice(kinds)
            if kind == "welfare" and "welfare" in seen:
                continue
            seen.add(kind)
            near = h.xa if rng.random() < 0.6 else rng.choice(by_tinh[h.tinh]) if rng.random() < 0.7 else \
                rng.choice(communes)[0]
            if kind == "schools":
                code = f"T{near}{rng.randint(0, 2)}"
                if code in seen:
                    continue
                seen.add(code)
                if code not in schools:
                    schools[code] = near
                path = f"schools/{delivery}/{code}.csv"
                fid = file_id("schools", "roster", path)
                v = noisy(rng, h, id_share=0.7)
                dong = _bump(files, path)
                rows["students"].append((fid, dong, code, v["ho_ten"], v["ngay_sinh"], v["gioi_tinh"], v["so_ddcn"],
                                         v["tin_cay"]))
                truth.append((path, dong, str(h.uid)))
                made += 1
            elif kind == "welfare":
                path = f"welfare/{delivery}/{h.xa}_ds.csv"
                fid = file_id("welfare", "welfare", path)
                v = noisy(rng, h, id_share=0.3 if age > 60 else 0.6)
                dong = _bump(files, path)
                rows["welfare"].append((fid, dong, h.xa, v["ho_ten"], v["ngay_sinh"], v["gioi_tinh"], v["so_ddcn"],
                                        v["tin_cay"], rng.choice(["HN", "CN", "HTXH", "NLNDM"])))
                truth.append((path, dong, str(h.uid)))
                made += 1
            elif kind == "household_businesses":
                path = f"tax/{delivery}/household_businesses.csv"
                fid = file_id("tax", "household_businesses", path)
                v = noisy(rng, h, id_share=0.85)
                dong = _bump(files, path)
                rows["household_businesses"].append((fid, dong, v["ho_ten"], v["so_ddcn"], v["tin_cay"],
                                                     v["ngay_sinh"], v["gioi_tinh"], near))
                truth.append((path, dong, str(h.uid)))
                made += 1
            else:
                path = f"tax/{delivery}/wage_earners.csv"
                fid = file_id("tax", "wage_earners", path)
                tax = f"0{near}{rng.randint(0, 9)}000"[:10]
                enterprises.setdefault(tax, near)
                v = noisy(rng, h, id_share=0.8)
                dob = v["ngay_sinh"] if rng.random() > 0.2 else None
                for ky in ("2025-10", "2025-11", "2025-12"):
                    dong = _bump(files, path)
                    rows["wage_earners"].append((fid, dong, tax, v["so_ddcn"], v["tin_cay"], v["ho_ten"], dob, ky))
                    truth.append((path, dong, str(h.uid)))
                made += 3
            if made >= n_sources:
                break
    sdir = file_id("schools", "school_directory", f"schools/{delivery}/schools.csv")
    rows["schools"] = [(sdir, i + 2, code, "Trường", "THPT", xa) for i, (code, xa) in enumerate(schools.items())]
    efile = file_id("tax", "enterprises", f"tax/{delivery}/enterprises.csv")
    enterprise_rows = [(efile, i + 2, tax, "DN", xa, "00", 10, "2025-12") for i, (tax, xa) in enumerate(enterprises.items())]
    copies = {
        "persons": "file_id, dong, id_nguoi, ma_so_bhxh, ma_so_bhxh_tin_cay, so_ddcn, so_ddcn_tin_cay, ho_ten,"
                   " ngay_sinh, gioi_tinh, ma_xa",
        "students": "file_id, dong, ma_truong, ho_ten, ngay_sinh, gioi_tinh, so_ddcn, so_ddcn_tin_cay",
        "welfare": "file_id, dong, ma_xa, ho_ten, ngay_sinh, gioi_tinh, so_ddcn, so_ddcn_tin_cay, doi_tuong",
        "household_businesses": "file_id, dong, ho_ten, so_ddcn, so_ddcn_tin_cay, ngay_sinh, gioi_tinh, ma_xa",
        "wage_earners": "file_id, dong, ma_so_thue_don_vi, so_ddcn, so_ddcn_tin_cay, ho_ten, ngay_sinh, ky",
        "schools": "file_id, dong, ma_truong, ten_truong, cap_hoc, ma_xa",
    }
    with conn.cursor() as cur:
        for table, cols in copies.items():
            with cur.copy(f"COPY stg.{table} ({cols}) FROM STDIN") as copy:
                for row in rows[table]:
                    copy.write_row(row)
        with cur.copy("COPY stg.enterprises (file_id, dong, ma_so_thue, ten_doanh_nghiep, ma_xa, trang_thai,"
                      " so_lao_dong, ky) FROM STDIN") as copy:
            for row in enterprise_rows:
                copy.write_row(row)
    conn.commit()
    return truth


def _bump(files: dict, path: str) -> int:
    key = "#" + path
    files[key] = files.get(key, 1) + 1
    return files[key]


def main() -> None:
    import logging

    from tiemnang.matching import evaluate, run_matching

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", required=True, help="conninfo of a migrated, empty warehouse")
    ap.add_argument("--persons", type=int, default=100_000)
    ap.add_argument("--sources", type=int, default=40_000)
    ap.add_argument("--truth-out", help="write the truth as CSV here (for the Splink comparison)")
    ap.add_argument("--threshold", type=float, default=None)
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    with db.connect(args.db) as conn:
        truth = build(conn, args.persons, args.sources)
        if args.truth_out:
            import csv
            with open(args.truth_out, "w", newline="", encoding="utf-8") as f:
                w = csv.writer(f)
                w.writerow(["path", "dong", "person_uid"])
                w.writerows(truth)
        kwargs = {"threshold": args.threshold} if args.threshold is not None else {}
        counts = run_matching(conn, date(2026, 1, 9), **kwargs)
        quality = evaluate(conn, truth)
        conn.commit()
    print(json.dumps({"counts": counts, "quality": quality}, indent=1, default=str))


if __name__ == "__main__":
    main()
