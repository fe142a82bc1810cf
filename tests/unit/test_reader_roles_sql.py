"""sql/admin/reader_roles.sql, which the administrator runs, names exactly the 34 provinces of the reference package."""

from __future__ import annotations

import re

from tiemnang import config
from tiemnang.reference import geography


def test_admin_script_creates_a_reader_role_for_every_province():
    text = (config.SQL_DIR / "admin" / "reader_roles.sql").read_text(encoding="utf-8")
    codes = re.findall(r"'(\d{2})'", text)
    assert sorted(codes) == sorted(geography.provinces()) and len(codes) == len(set(codes)) == 34
    assert "NOLOGIN" in text and "GRANT" not in text
