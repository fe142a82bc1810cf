"""The 34 provinces and 3,321 communes, read from the `vietnam-provinces` package (CONTRACT §1)."""

from __future__ import annotations

import unicodedata
from functools import cache

import psycopg


@cache
def provinces() -> dict[str, str]:
    """Province code (2 digits) → name."""
    from vietnam_provinces import Province

    return {f"{int(p.code):02d}": _nfc(p.name) for p in Province.iter_all()}


@cache
def communes() -> dict[str, tuple[str, str]]:
    """Commune code (5 digits) → (commune name, province code)."""
    from vietnam_provinces import Ward

    return {f"{int(w.code):05d}": (_nfc(w.name), f"{int(w.province_code):02d}") for w in Ward.iter_all()}


def province_of(ma_xa: str) -> str | None:
    entry = communes().get(ma_xa)
    return entry[1] if entry else None


def is_commune(ma_xa: str | None) -> bool:
    return bool(ma_xa) and ma_xa in communes()


def _nfc(text: str) -> str:
    # NFC, and single spaces: the package spells ten names with a double space ("Phường  Rạch Dừa")
    return " ".join(unicodedata.normalize("NFC", text).split())


def sync(conn: psycopg.Connection) -> tuple[int, int]:
    """Upsert provinces and communes into ref.province / ref.commune; returns their counts."""
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO ref.province (ma_tinh, ten_tinh) VALUES (%s, %s)"
            " ON CONFLICT (ma_tinh) DO UPDATE SET ten_tinh = EXCLUDED.ten_tinh",
            sorted(provinces().items()),
        )
        cur.executemany(
            "INSERT INTO ref.commune (ma_xa, ten_xa, ma_tinh) VALUES (%s, %s, %s)"
            " ON CONFLICT (ma_xa) DO UPDATE SET ten_xa = EXCLUDED.ten_xa, ma_tinh = EXCLUDED.ma_tinh",
            [(code, name, tinh) for code, (name, tinh) in sorted(communes().items())],
        )
    return len(provinces()), len(communes())
