"""The truth comparison counts rows: a person published twice is a difference, not a match."""

from collections import Counter

from tiemnang_tools.generate.compare import _difference, is_equal


def test_a_row_published_twice_is_unexpected():
    expected = Counter([("p1", "BB_NLD"), ("p2", "HO_TRO_HSSV")])
    got = Counter([("p1", "BB_NLD"), ("p1", "BB_NLD"), ("p2", "HO_TRO_HSSV")])
    diff = _difference(expected, got)
    assert diff == {"expected": 2, "published": 3, "missing": [], "unexpected": [("p1", "BB_NLD")]}
    assert not is_equal({"tiem_nang": diff})


def test_equal_multisets_are_equal_and_a_missing_row_is_missing():
    rows = Counter([("p1", "BB_NLD"), ("p2", "HO_TRO_HSSV")])
    assert is_equal({"tiem_nang": _difference(rows, Counter(rows))})
    diff = _difference(rows, Counter([("p1", "BB_NLD")]))
    assert diff["missing"] == [("p2", "HO_TRO_HSSV")] and diff["unexpected"] == []
