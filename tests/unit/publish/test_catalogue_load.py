"""The catalogue refuses what the warehouse could not be made from."""

from pathlib import Path

import pytest

from tiemnang.publish import catalogue

_TABLE = '''
[[table]]
name = "bang"
comment = "Bảng"
history_comment = "Lịch sử bảng"
lists_key = ["ngay_tham_chieu"]
columns = [
    {{ name = "ngay_tham_chieu", type = "date", not_null = true, comment = "Ngày" }},
    {{ name = "{name}", type = "{type}", comment = "{comment}" }},
]
'''


def _load(tmp_path: Path, **column) -> tuple[catalogue.Table, ...]:
    path = tmp_path / "c.toml"
    path.write_text(_TABLE.format(**{"name": "cot", "type": "text", "comment": "Cột", **column}), encoding="utf-8")
    return catalogue.load(path)


def test_the_shipped_catalogue_loads_with_every_contract_table():
    names = [t.name for t in catalogue.tables()]
    assert names[:4] == ["tiem_nang", "don_vi_tiem_nang", "den_han_dong", "tong_hop"]


def test_a_valid_declaration_loads(tmp_path):
    (table,) = _load(tmp_path)
    assert [c.name for c in table.lists_columns] == ["ngay_tham_chieu", "cot"]


@pytest.mark.parametrize("column,message", [
    ({"type": "text; DROP TABLE x"}, "is not one of"),
    ({"comment": " "}, "has no Vietnamese comment"),
    ({"name": "Cot-1"}, "not a valid"),
    ({"name": "ngay_tham_chieu"}, "declared twice"),
])
def test_bad_declarations_are_refused(tmp_path, column, message):
    with pytest.raises(catalogue.CatalogueError, match=message):
        _load(tmp_path, **column)
