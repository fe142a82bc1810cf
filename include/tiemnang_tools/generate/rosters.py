"""School rosters and welfare lists: officer-made spreadsheets written one commune at a time."""

from __future__ import annotations

import random
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from tiemnang_tools.generate import ids, names
from tiemnang_tools.generate.sheets import Look, random_look, write_sheet

WELFARE_TITLES = {"ho_ngheo_can_ngheo": "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO",
                  "ho_can_ngheo_bo_sung": "DANH SÁCH HỘ CẬN NGHÈO BỔ SUNG",
                  "ho_ngheo_moi": "DANH SÁCH HỘ NGHÈO PHÁT SINH MỚI", "ho_ngheo_dot2": "DANH SÁCH HỘ NGHÈO ĐỢT 2",
                  "nong_lam_ngu_diem_nghiep": "DANH SÁCH HỘ LÀM NÔNG, LÂM, NGƯ, DIÊM NGHIỆP CÓ MỨC SỐNG TRUNG BÌNH",
                  "dan_toc_thieu_so": "DANH SÁCH NGƯỜI DÂN TỘC THIỂU SỐ",
                  "tro_cap_tuat": "DANH SÁCH NGƯỜI HƯỞNG TRỢ CẤP TUẤT HÀNG THÁNG",
                  "tro_cap_xa_hoi": "DANH SÁCH ĐỐI TƯỢNG BẢO TRỢ XÃ HỘI HƯỞNG TRỢ CẤP HÀNG THÁNG"}

if TYPE_CHECKING:
    from tiemnang_tools.generate.world import Person, World, _Commune

DAY = timedelta(1)
SCHOOL_HEADER = ["ma_truong", "ten_truong", "cap_hoc", "ma_xa"]
ROSTER_COLUMNS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân", "Mã số BHXH", "Lớp",
                  "Khối", "Ghi chú"]
WELFARE_COLUMNS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân", "Mã hộ",
                   "Quan hệ với chủ hộ", "Đối tượng", "Thôn/Tổ dân phố", "Ghi chú"]


def _footer(rng: random.Random, width: int, total_label: str, n: int, place: str, day: date,
            signer: str) -> list[list]:
    """Totals and the signature block, one cell per row so no footer line can pass for a person."""
    if rng.random() < 0.2:
        return []
    lines = [f"{total_label}: {n}", "", f"{place}, ngày {day.day} tháng {day.month} năm {day.year}",
             "Người lập biểu", "(Ký, ghi rõ họ tên)", signer, "(Ký tên, đóng dấu)", "", "",
             names.full_name(rng, names.surname(rng), rng.random() < 0.5),
             names.full_name(rng, names.surname(rng), rng.random() < 0.5)]
    rows = []
    for text in lines:
        row: list = [None] * width
        if text:
            row[rng.randrange(min(width, 6))] = text
        rows.append(row)
    return rows


class _ListWriter:
    """Renders school rosters and welfare lists with their officer-made noise and records the truth."""

    def __init__(self, world: World):
        self.w = world
        self.last: list[tuple[int, int, str, str]] = []  # truth of the file written last

    def write(self, source: str, day: date, stem: str, look: Look, titles: list[str], columns: list[str],
              entries: list[tuple[Person, dict]], footer: list[list], *, category_col: bool = False,
              force: bool = False, file_reason: str = "") -> tuple[str, list[tuple[Person, dict]]]:
        w, rng = self.w, self.w.rng
        folder = w.files.folder(source, day)
        name = f"{stem}.{look.fmt}"
        rel = f"{source}/{day.isoformat()}/{name}"
        padded = rng.random() < 0.6
        rows, truth, accepted = [], [], []
        forced = {"thieu_ho_ten": 1, "khong_dinh_danh": 2, "doi_tuong_khong_hop_le": 3, "trung_lap": 4} \
            if force else {}
        for k, (p, extra) in enumerate(entries, 1):
            cells, notes = self._identity(p, look, padded)
            cells["STT"] = k
            cells.update(extra)
            tuat = extra.get("Đối tượng") == "TUAT"
            if tuat and not cells["Ngày sinh"]:
                cells["Ngày sinh"] = p.vn_birth(padded)
                notes.remove("ngay_sinh_thieu")
            bhxh_id = "Mã số BHXH" in columns and len(str(cells.get("Mã số BHXH", ""))) == 10
            reasons = ""
            r = rng.random()
            if r < 0.004 or forced.get("thieu_ho_ten") == k:
                cells["Họ và tên"], reasons = "", "thieu_ho_ten"
                if not cells["Ngày sinh"] and not cells["Số định danh cá nhân"] and not bhxh_id:
                    reasons = "thieu_ho_ten;khong_dinh_danh"
            elif (r < 0.008 or forced.get("khong_dinh_danh") == k) and not tuat:
                cells["Ngày sinh"] = cells["Số định danh cá nhân"] = cells["Mã số BHXH"] = ""
                reasons = "khong_dinh_danh"
            elif category_col and (r < 0.011 or forced.get("doi_tuong_khong_hop_le") == k):
                cells["Đối tượng"], reasons = rng.choice(("Hộ nghèo", "HN2", "BTXH", "X")), "doi_tuong_khong_hop_le"
            elif not cells["Ngày sinh"] and not cells["Số định danh cá nhân"] and not bhxh_id:
                reasons = "khong_dinh_danh"
            row = [cells.get(col, "") for col in columns]
            rows.append(row)
            truth.append((p.uid, file_reason or reasons, ";".join(notes)))
            if not reasons:
                accepted.append((p, cells))
                if r > 0.994 or forced.get("trung_lap") == k:
                    rows.append(list(row))
                    truth.append((p.uid, file_reason or "trung_lap", "trung_lap"))
        numbers = write_sheet(folder / name, look, titles, columns, rows, footer)
        self.last = [(dong, uid, reasons, notes) for dong, (uid, reasons, notes) in zip(numbers, truth, strict=True)]
        for line in self.last:
            w.record(rel, *line)
        w.file_rows.append([rel, source, "quarantined" if file_reason else "accepted", file_reason,
                            f"{look.fmt} {look.encoding}"])
        return rel, ([] if file_reason else accepted)

    def _identity(self, p: Person, look: Look, padded: bool) -> tuple[dict, list[str]]:
        rng = self.w.rng
        notes = []
        name = p.ho_ten
        if look.bare_names and rng.random() < look.bare_names:
            name = names.strip_diacritics(name)
            notes.append("khong_dau")
        if look.upper_names:
            name = name.upper()
            notes.append("chu_hoa")
        if rng.random() < 0.02:
            name = name.replace(" ", "   ", 1) + " "
            notes.append("thua_dau_cach")
        birth: str | date = p.vn_birth(padded)
        if look.excel_dates and p.prec == 3:
            birth = p.birth
            notes.append("ngay_sinh_excel")
        elif p.prec < 3:
            notes.append("ngay_sinh_khong_day_du")
        ddcn = p.ddcn
        r = rng.random()
        if not ddcn or r < (0.5 if self.w._age(p) >= 60 else 0.12):
            ddcn = ""
            notes.append("ddcn_thieu")
        elif r < 0.15:
            ddcn = ids.ddcn_typo(rng, ddcn)
            notes.append("ddcn_sai_mot_so")
        elif r < 0.16:
            ddcn = ids.ddcn_wrong_sex(ddcn)
            notes.append("ddcn_sai_gioi_tinh")
        elif r < 0.17:
            ddcn = ids.ddcn_wrong_year(ddcn)
            notes.append("ddcn_sai_nam_sinh")
        if r > 0.97 and p.prec == 3 and ddcn:
            birth = ""
            notes.append("ngay_sinh_thieu")
        if self.w.noisy:
            name, birth, ddcn = self.w._profile_row(p, name, birth, ddcn, notes)
        sex = "Nam" if p.male else "Nữ"
        return {"Họ và tên": name, "Ngày sinh": birth, "Giới tính": sex.upper() if look.upper_names else sex,
                "Số định danh cá nhân": ddcn}, notes


def _school_look(rng: random.Random, columns: list[str]) -> Look:
    return random_look(rng, len(columns), allow_cp1258=False, xlsx_share=0.6)


def _optional(rng: random.Random, columns: list[str], optional: dict[str, float]) -> list[str]:
    return [c for c in columns if c not in optional or rng.random() >= optional[c]]



class ListFiles:
    """Mixin of `World`: writes the commune's rosters and lists."""

    def _school_files(self: World, c: _Commune) -> None:
        rng, sched, files = self.rng, self.sched, self.files
        writer = _ListWriter(self)
        directory = files.csv("schools", sched.school_versions[0], "schools.csv", SCHOOL_HEADER)
        update = files.csv("schools", sched.school_versions[2], "schools.csv", SCHOOL_HEADER, bom=True)
        schools = [s for pool in c.schools.values() for s in pool]
        for i, school in enumerate(schools):
            row = [school.ma_truong, school.name, school.cap, school.ma_xa or c.ma_xa]
            files.write(directory, row)
            relisted = rng.random() < 0.3
            if relisted:
                files.write(update, row)
            if self.dv is not None:
                self._school_dir(sched.school_versions[0]).append((school.ma_truong, school.ma_xa or c.ma_xa))
                if relisted:
                    self._school_dir(sched.school_versions[2]).append((school.ma_truong, school.ma_xa or c.ma_xa))
            first = self.first_commune and i == 0
            if first:
                school.versions = [0, 3]
            else:
                if rng.random() < 0.1:
                    school.versions.append(1)
                if rng.random() < 0.15:
                    school.versions.append(2)
            if len(school.versions) > 1:
                students = []
                for p, lop, khoi, _ in school.students:
                    students.append((p, lop, khoi, rng.choice(school.versions[1:]) if rng.random() < 0.06 else 0))
                school.students = students
            columns = _optional(rng, ROSTER_COLUMNS, {"Mã số BHXH": 0.4, "Lớp": 0.1, "Khối": 0.1, "Ghi chú": 0.4})
            look = _school_look(rng, columns)
            for v in school.versions:
                day = sched.school_versions[v]
                if v and rng.random() < 0.3:
                    look = _school_look(rng, columns)
                entries = []
                for p, lop, khoi, join in school.students:
                    if join <= v:
                        mbhxh = p.bhxh if rng.random() < 0.5 else ""
                        if mbhxh and rng.random() < 0.15:
                            mbhxh = ids.ma_the("SV" if school.cap in ("CD", "DH") else "HS", 4, c.tinh, p.bhxh)
                        note = rng.choice(("", "", "", "", "Con thương binh", "Hộ nghèo", "Ở nội trú", "Khuyết tật"))
                        entries.append((p, {"Mã số BHXH": mbhxh, "Lớp": lop, "Khối": khoi, "Ghi chú": note}))
                titles = rng.choice(([], ["DANH SÁCH HỌC SINH, SINH VIÊN", school.name.upper(), f"Năm học {self.year}-{self.year + 1}"],
                                     ["SỞ GIÁO DỤC VÀ ĐÀO TẠO", "DANH SÁCH HỌC SINH", school.name.upper(),
                                      f"Năm học {self.year}-{self.year + 1}"]))
                footer = _footer(rng, len(columns), "Tổng số học sinh", len(entries), c.ten_xa, day - DAY,
                                 "Hiệu trưởng" if school.cap not in ("CD", "DH") else "Hiệu trưởng nhà trường")
                rel, accepted = writer.write("schools", day, school.ma_truong, look, titles, columns, entries, footer,
                                             force=first and v == 0)
                ready = v != 3
                if not ready:
                    self.not_ready.add(files.folder("schools", day))
                    self.file_rows[-1][2] = "not_ready"
                if self.dv is not None:
                    self.dv.rosters.append((day, ready, school.ma_truong, [p.uid for p, _ in accepted]))
                if first and v == 0:
                    self._redeliver(rel, sched.school_versions[1], "schools", writer.last)
                    if self.dv is not None:
                        self.dv.rosters.append((sched.school_versions[1], True, school.ma_truong,
                                                [p.uid for p, _ in accepted]))


    def _school_dir(self: World, day: date) -> list:
        assert self.dv is not None
        for d, _, rows in self.dv.school_dirs:
            if d == day:
                return rows
        rows: list = []
        self.dv.school_dirs.append((day, True, rows))
        return rows


    def _redeliver(self: World, rel: str, day: date, source: str, lines: list) -> None:
        """Copy a file byte for byte into a later delivery; its rows keep the same truth."""
        target = self.files.folder(source, day) / Path(rel).name
        if target.exists():
            return
        shutil.copyfile(self.landing / rel, target)
        new_rel = f"{source}/{day.isoformat()}/{target.name}"
        for dong, uid, reasons, notes in lines:
            self.record(new_rel, dong, uid, reasons, notes)
        self.file_rows.append([new_rel, source, "accepted", "", f"byte-identical re-delivery of {rel}"])

    def _welfare_files(self: World, c: _Commune) -> None:
        rng, sched = self.rng, self.sched
        writer = _ListWriter(self)
        tuat_now = [(p, "TUAT", hh) for p, hh, late in c.tuat if not late]
        lists = {label: rows for label, rows in c.welfare.items()}
        versions: list[tuple[date, str, list]] = []
        when = {"ho_can_ngheo_bo_sung": sched.welfare_supp, "ho_ngheo_moi": sched.welfare_new,
                "ho_ngheo_dot2": sched.welfare_late}
        for label, rows in sorted(lists.items()):
            versions.append((when.get(label, sched.welfare_first), label, rows))
        if tuat_now:
            versions.append((sched.welfare_first, "tro_cap_tuat", tuat_now))
        if len(tuat_now) < len(c.tuat):
            versions.append((sched.welfare_update, "tro_cap_tuat", [(p, "TUAT", hh) for p, hh, _ in c.tuat]))
        if self.first_commune and lists.get("ho_ngheo_can_ngheo"):
            versions.append((sched.welfare_update, "", lists["ho_ngheo_can_ngheo"]))
        forced = self.first_commune
        formats: dict[str, str] = {}
        hamlet = c.hamlet_name
        for day, label, members in sorted(versions, key=lambda v: (v[0], v[1])):
            entries = []
            for p, cat, hh in members:
                note = rng.choice(("", "", "", "", "Già yếu", "Neo đơn", "Đau ốm thường xuyên", "Đã có thẻ BHYT?"))
                entries.append((p, {"Mã hộ": hh, "Quan hệ với chủ hộ": p.rel, "Đối tượng": cat,
                                    "Thôn/Tổ dân phố": hamlet(int(hh[:2])) if hh else "", "Ghi chú": note}))
            columns = _optional(rng, WELFARE_COLUMNS, {"Thôn/Tổ dân phố": 0.1, "Ghi chú": 0.2})
            look = random_look(rng, len(columns), allow_cp1258=True, xlsx_share=0.45)
            if label in formats:  # a re-sent list keeps its file name, extension included
                look.fmt = formats[label]
                look.excel_dates = look.excel_dates and look.fmt == "xlsx"
                look.encoding = "utf-8" if look.fmt == "xlsx" else look.encoding
            formats[label] = look.fmt
            if label:
                stem, file_reason = f"{c.ma_xa}_{label}", ""
            else:
                stem, file_reason = f"DS_ho_ngheo_{names.strip_diacritics(hamlet(1)).replace(' ', '_')}", \
                    "ten_tep_khong_hop_le"
            title = WELFARE_TITLES.get(label, "DANH SÁCH HỘ NGHÈO")
            titles = rng.choice(([], [title], ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", f"UBND {c.ten_xa.upper()}", title,
                                               f"Năm {self.year}"]))
            footer = _footer(rng, len(columns), "Tổng cộng", len(entries), c.ten_xa, day - DAY, "TM. UBND xã")
            rel, accepted = writer.write("welfare", day, stem, look, titles, columns, entries, footer,
                                         category_col=True, force=forced and bool(label), file_reason=file_reason)
            self.counts["welfare_rows"] += len(entries)
            if label:
                forced = False
            if self.dv is not None and not file_reason:
                self.dv.welfare.append((day, True, Path(rel).stem, c.ma_xa,
                                        [(p.uid, cells["Đối tượng"], cells["Mã hộ"], p.first_day)
                                         for p, cells in accepted]))
                if self.coll is not None:  # the hamlet as written (empty when the file has no such column)
                    thon = "Thôn/Tổ dân phố" in columns
                    self.coll.welfare_file(day, rel, c.ma_xa, [
                        (p.uid, cells["Đối tượng"], cells["Mã hộ"], cells["Thôn/Tổ dân phố"] if thon else "",
                         p.first_day) for p, cells in accepted])
            if self.first_commune and day == sched.welfare_first and label and not hasattr(self, "_copied"):
                self._copied = True
                self._redeliver(rel, sched.welfare_update, "welfare", writer.last)
                if self.dv is not None:
                    self.dv.welfare.append((sched.welfare_update, *self.dv.welfare[-1][1:]))
                    if self.coll is not None:
                        self.coll.welfare_redelivered(sched.welfare_update,
                                                      f"welfare/{sched.welfare_update.isoformat()}/{Path(rel).name}")
