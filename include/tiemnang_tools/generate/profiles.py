"""Noise profiles: knobs that make a world the matcher was not tuned on (`tiemnang generate --profile`).

`default` is the world the generator has always made: with it no knob draws a random number, so a seed
gives byte for byte the same landing zone and truth as before profiles existed. Every other profile draws
its noise from a second random stream (`World.prng`), so the knobs that only mangle how a source row is
written (names, dates, IDs) leave the people, households and coverage of the seed unchanged; the
structural knobs (schools and employers elsewhere, twins, common names) change the world itself.

Each row-level knob is the share of source rows (school and welfare rows, wage-earner and household-business
rows; never the register) that get that mangling, on top of the default noise. Every mangled row keeps a
usable identity (a birth date or a valid ID), so no knob changes which rows are quarantined, and the truth
(`records.csv` `noise`) names what was done: `khong_dau`, `chu_hoa`, `ten_dem_bo`, `ten_dem_viet_tat`,
`dao_ngay_thang`, `chi_nam_sinh`, `ddcn_dao_so`, `cmnd_cu`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, fields
from datetime import date

from tiemnang_tools.generate import names


@dataclass(frozen=True)
class Profile:
    name: str
    bare_names: float = 0.0  # name typed without diacritics
    upper_names: float = 0.0  # name in capitals
    middle_dropped: float = 0.0  # "Nguyễn Văn An" → "Nguyễn An"
    middle_abbreviated: float = 0.0  # "Nguyễn Thị Lan" → "Nguyễn T. Lan"
    day_month_swapped: float = 0.0  # 03/07/1980 → 07/03/1980 (only where both read as a date)
    year_only: float = 0.0  # 03/07/1980 → 1980
    id_transposed: float = 0.0  # two neighbouring serial digits of so_ddcn swapped
    cmnd: float = 0.0  # the old 9-digit CMND number written in the so_ddcn column
    schools_away: float = 0.0  # share of pupils (from lower secondary up) at a school in another province
    employers_away: float = 0.0  # share of enterprises located in another commune than their staff's homes
    twins: float = 0.0  # share of households with children where one child has a twin
    common_names: float = 0.0  # share of persons given one of a handful of very common names

    @property
    def is_default(self) -> bool:
        return all(getattr(self, f.name) == 0 for f in fields(self) if f.name != "name")

    def knobs(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "name" and getattr(self, f.name)}


def mangle_name(profile: Profile, rng: random.Random, text: str, notes: list[str]) -> str:
    """The name as a careless source writes it; `notes` gets the truth's noise codes."""
    parts = text.split()
    if len(parts) >= 3:
        r = rng.random()
        if r < profile.middle_dropped:
            text = f"{parts[0]} {parts[-1]}"
            notes.append("ten_dem_bo")
        elif r < profile.middle_dropped + profile.middle_abbreviated:
            text = " ".join([parts[0], *(p[0] + "." for p in parts[1:-1]), parts[-1]])
            notes.append("ten_dem_viet_tat")
    if rng.random() < profile.bare_names and "khong_dau" not in notes:
        text = names.strip_diacritics(text)
        notes.append("khong_dau")
    if rng.random() < profile.upper_names and "chu_hoa" not in notes:
        text = text.upper()
        notes.append("chu_hoa")
    return text


def mangle_birth(profile: Profile, rng: random.Random, birth: str | date, true: date, prec: int,
                 notes: list[str]) -> str | date:
    """A full birth date written with day and month swapped, or cut to the year; other values unchanged."""
    if not birth or prec != 3:
        return birth
    r = rng.random()
    if r < profile.day_month_swapped and true.day <= 12 and true.day != true.month:
        notes.append("dao_ngay_thang")
        if isinstance(birth, date):
            return date(true.year, true.day, true.month)
        return f"{true.month:02d}/{true.day:02d}/{true.year}"
    if r < profile.day_month_swapped + profile.year_only:
        notes.append("chi_nam_sinh")
        return str(true.year)
    return birth


def mangle_ddcn(profile: Profile, rng: random.Random, ddcn: str, uid: int, has_birth: bool,
                notes: list[str]) -> str:
    """so_ddcn with two serial digits transposed, or replaced by the person's old CMND (only where a birth
    date is written too: a CMND is not a valid ID, so the row must stand on its birth date)."""
    if not ddcn or len(ddcn) != 12:
        return ddcn
    r = rng.random()
    if r < profile.id_transposed:
        spots = [i for i in range(6, 11) if ddcn[i] != ddcn[i + 1]]
        if spots:
            i = rng.choice(spots)
            notes.append("ddcn_dao_so")
            return ddcn[:i] + ddcn[i + 1] + ddcn[i] + ddcn[i + 2:]
    elif r < profile.id_transposed + profile.cmnd and has_birth:
        notes.append("cmnd_cu")
        return cmnd(uid)
    return ddcn


def cmnd(uid: int) -> str:
    """A person's old 9-digit identity-card number (the same on every row that carries it)."""
    return f"{random.Random(uid * 7_919 + 13).randrange(10**8, 10**9)}"


COMMON_NAMES = {True: ("Nguyễn Văn Hùng", "Nguyễn Văn Nam", "Trần Văn Hùng"),
                False: ("Nguyễn Thị Lan", "Nguyễn Thị Hương", "Trần Thị Lan")}

_NAMES = dict(bare_names=0.3, upper_names=0.3, middle_dropped=0.08, middle_abbreviated=0.05)
_DATES = dict(day_month_swapped=0.05, year_only=0.05)
_IDS = dict(id_transposed=0.05, cmnd=0.05)
_PLACES = dict(schools_away=0.15, employers_away=0.3)
_HOUSEHOLDS = dict(twins=0.15, common_names=0.12)

PROFILES: dict[str, Profile] = {
    "default": Profile("default"),
    "names": Profile("names", **_NAMES),
    "dates": Profile("dates", **_DATES),
    "ids": Profile("ids", **_IDS),
    "places": Profile("places", **_PLACES),
    "households": Profile("households", **_HOUSEHOLDS),
    "harsh": Profile("harsh", **_NAMES, **_DATES, **_IDS, **_PLACES, **_HOUSEHOLDS),
}


def get(name: str | Profile | None) -> Profile:
    if isinstance(name, Profile):
        return name
    try:
        return PROFILES[name or "default"]
    except KeyError:
        raise ValueError(f"unknown profile {name!r}; known: {', '.join(PROFILES)}") from None
