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


# ------------------------------------------------------------------------ §4.7-§4.8 against a fake publication
# The truth itself, published the way the province tables carry it (CONTRACT §5, revision 2): compare_collection
# finds nothing; each kind of wrong publication is found by its part.
import csv  # noqa: E402
import json  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from psycopg import sql  # noqa: E402

from tiemnang.reference import geography  # noqa: E402
from tiemnang_tools.generate import generate  # noqa: E402
from tiemnang_tools.generate.compare import compare_collection, compare_week  # noqa: E402

WEEKS = {"2026-11-13": "2026-W46", "2026-11-20": "2026-W47"}
NEW_TABLES = {
    "loai_tru": "tuan text, ngay_tham_chieu date, so_ddcn text, ho_ten text, ngay_sinh text, ma_xa text, ten_xa text,"
                " danh_sach text, nhom text, ket_qua text, ngay_ket_qua date, ma_dai_ly text, thon text",
    "tien_do": "tuan text, nam integer, ma_xa text, ten_xa text, nhom text, chi_tieu integer, da_dat integer,"
               " ty_le numeric",
    "tien_do_dai_ly": "tuan text, ma_dai_ly text, ten_dai_ly text, ma_xa text, ten_xa text, so_duoc_giao integer,"
                      " so_co_ket_qua integer, so_da_tham_gia integer",
}


def _csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def small_world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("compare_world")
    generate(out, 2500, seed=11, communes=10)
    return out


def _insert(conn, ma_xa: str, table: str, row: dict) -> None:
    schema = f"tinh_{geography.province_of(ma_xa)}"
    conn.execute(sql.SQL("INSERT INTO {}.{} ({}) VALUES ({})").format(
        sql.Identifier(schema), sql.Identifier(f"{table}_lich_su"), sql.SQL(", ").join(map(sql.Identifier, row)),
        sql.SQL(", ").join(sql.Placeholder() * len(row))), list(row.values()))


def _publish_truth(conn, world: Path) -> None:
    """Every province's history tables for both weeks, straight from the truth."""
    for ma_tinh in geography.provinces():
        schema = sql.Identifier(f"tinh_{ma_tinh}")
        for table in ("tiem_nang_lich_su", "den_han_dong_lich_su"):
            conn.execute(sql.SQL("ALTER TABLE {}.{} ADD COLUMN IF NOT EXISTS thon text, ADD COLUMN IF NOT EXISTS"
                                 " ma_dai_ly text, ADD COLUMN IF NOT EXISTS ket_qua_gan_nhat text, ADD COLUMN IF NOT"
                                 " EXISTS ngay_ket_qua date").format(schema, sql.Identifier(table)))
        for table, columns in NEW_TABLES.items():
            conn.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {}.{} (" + columns + ")").format(
                schema, sql.Identifier(f"{table}_lich_su")))
    truth = world / "truth"
    people = {r["person_uid"]: r for r in _csv(truth / "persons.csv")}
    source = {}
    for r in _csv(truth / "records.csv"):
        if r["expected"] == "accepted" and r["path"].startswith(("schools/", "welfare/", "tax/")):
            source.setdefault(r["person_uid"], {"nguon": "welfare", "tep": r["path"], "dong": int(r["dong"])})
    for as_of, tuan in WEEKS.items():
        folder = truth / "expected" / as_of
        lists = {r["person_uid"]: r for r in _csv(folder / "tiem_nang.csv")}
        dues = {(r["id_nguoi"], r["loai"]): r for r in _csv(folder / "den_han_dong.csv")}
        for r in _csv(folder / "phan_cong.csv"):
            p = people[r["person_uid"]]
            base = {"tuan": tuan, "ngay_tham_chieu": as_of, "so_ddcn": p["so_ddcn"] or None, "ho_ten": p["ho_ten"],
                    "ngay_sinh": p["ngay_sinh"], "ma_xa": r["ma_xa"], "thon": r["thon"],
                    "ma_dai_ly": r["ma_dai_ly"] or None, "ket_qua_gan_nhat": r["ket_qua_gan_nhat"] or None,
                    "ngay_ket_qua": r["ngay_ket_qua"] or None}
            if r["danh_sach"] == "tiem_nang":
                nguon = [{"nguon": "register", "id_nguoi": int(p["id_nguoi"])}] if p["id_nguoi"] \
                    else [source[r["person_uid"]]]
                _insert(conn, r["ma_xa"], "tiem_nang", {
                    **base, "nhom": r["nhom"], "ly_do": lists[r["person_uid"]]["ly_do"].split(";"),
                    "nguon": json.dumps(nguon), "id_nguoi": p["id_nguoi"] or None, "khoa_nguoi": f"uid:{p['person_uid']}"})
            else:
                due = dues[(r["id_nguoi"], r["nhom"])]
                _insert(conn, r["ma_xa"], "den_han_dong", {
                    **base, "id_nguoi": int(r["id_nguoi"]), "loai": r["nhom"], "han_dong": due["han_dong"],
                    "phuong_thuc": int(due["phuong_thuc"]), "so_tien": int(due["so_tien"])})
        for r in _csv(folder / "loai_tru.csv"):
            p = people[r["person_uid"]]
            _insert(conn, r["ma_xa"], "loai_tru", {
                "tuan": tuan, "ngay_tham_chieu": as_of, "so_ddcn": p["so_ddcn"] or None, "ho_ten": p["ho_ten"],
                "ngay_sinh": p["ngay_sinh"], "ma_xa": r["ma_xa"], "danh_sach": r["danh_sach"], "nhom": r["nhom"],
                "ket_qua": r["ket_qua"], "ngay_ket_qua": r["ngay_ket_qua"], "ma_dai_ly": r["ma_dai_ly"],
                "thon": r["thon"]})
        for r in _csv(folder / "tien_do.csv"):
            _insert(conn, r["ma_xa"], "tien_do", {"tuan": tuan, "ngay_tham_chieu": as_of, "nam": int(r["nam"]),
                                                  "ma_xa": r["ma_xa"],
                                                  "nhom": r["nhom"], "chi_tieu": int(r["chi_tieu"]) if r["chi_tieu"] else None,
                                                  "da_dat": int(r["da_dat"]), "ty_le": r["ty_le"] or None})
            _insert(conn, r["ma_xa"], "tien_do", {"tuan": tuan, "ngay_tham_chieu": as_of, "nam": 2026,
                                                  "ma_xa": r["ma_xa"], "nhom": "CAO_TUOI_X",
                                                  "chi_tieu": None, "da_dat": 0, "ty_le": None})  # ignored
        for r in _csv(folder / "tien_do_dai_ly.csv"):
            _insert(conn, r["ma_xa"], "tien_do_dai_ly", {
                "tuan": tuan, "ngay_tham_chieu": as_of, "ma_dai_ly": r["ma_dai_ly"], "ten_dai_ly": r["ten_dai_ly"],
                "ma_xa": r["ma_xa"],
                **{k: int(r[k]) for k in ("so_duoc_giao", "so_co_ket_qua", "so_da_tham_gia")}})


def _parts_with_differences(diff: dict) -> set[str]:
    return {name for name, part in diff.items() if not is_equal({name: part})}


def test_the_truth_published_compares_equal_and_each_fault_is_found(wh, small_world):
    _publish_truth(wh, small_world)
    for as_of, tuan in WEEKS.items():
        diff = compare_collection(wh, small_world, as_of, tuan)
        assert is_equal(diff), {k: v for k, v in diff.items() if not is_equal({k: v})}
        assert diff["loai_tru"]["expected"] > 0 and diff["ma_dai_ly"]["expected"] > 0
        assert diff["tien_do"]["ignored"] > 0 and diff["tien_do_dai_ly"]["expected"] > 0
    assert diff["phan_cong_phat_lai"]["expected"] > 300 and diff["tien_do_dai_ly"]["expected"] > 0
    assert sum(int(r["so_da_tham_gia"]) for r in _csv(
        small_world / "truth" / "expected" / "2026-11-20" / "tien_do_dai_ly.csv")) > 0
    week, tuan = "2026-11-20", WEEKS["2026-11-20"]
    # the lists themselves: with §4.7 (found on its own: loai_tru is published) the excluded rows are expected gone
    gone = Counter(r["danh_sach"] for r in _csv(small_world / "truth" / "expected" / week / "loai_tru.csv"))
    for collection in (None, True):
        lists = compare_week(wh, small_world, week, tuan, collection)
        assert all(not lists[t]["missing"] and not lists[t]["unexpected"] and lists[t]["expected"] > 0
                   for t in ("tiem_nang", "den_han_dong"))
        assert "phan_cong_phat_lai" in lists
    before = compare_week(wh, small_world, week, tuan, collection=False)
    assert (len(before["tiem_nang"]["missing"]), len(before["den_han_dong"]["missing"])) == \
        (gone["tiem_nang"], gone["den_han_dong"]) and gone["den_han_dong"] > 0
    assert "loai_tru" not in before
    rows = _csv(small_world / "truth" / "expected" / week / "phan_cong.csv")

    def update(statement: str, *params) -> None:
        for ma_tinh in geography.provinces():
            wh.execute(sql.SQL(statement).format(sql.Identifier(f"tinh_{ma_tinh}")), params)

    def faults(statement: str, *params) -> set[str]:
        wh.execute("SAVEPOINT fault")
        update(statement, *params)
        found = _parts_with_differences(compare_collection(wh, small_world, week, tuan))
        wh.execute("ROLLBACK TO SAVEPOINT fault")
        return found

    # a row whose agent does not depend on the order gets another agent (of another commune)
    fixed = next(r for r in rows if r["co_dinh"] == "1" and r["ma_dai_ly"] and r["danh_sach"] == "den_han_dong")
    assert faults("UPDATE {}.den_han_dong_lich_su SET ma_dai_ly = 'DL99998' WHERE tuan = %s AND id_nguoi = %s",
                  tuan, int(fixed["id_nguoi"])) >= {"ma_dai_ly", "phan_cong_phat_lai", "tien_do_dai_ly"}
    # two balanced rows of one commune swap agents: both still candidates, but not the rule's order
    commune = Counter(r["ma_xa"] for r in rows if r["cach"] == "can_bang" and r["danh_sach"] == "tiem_nang")
    xa = commune.most_common(1)[0][0]
    a, b = next((x, y) for x in rows for y in rows if x["ma_xa"] == y["ma_xa"] == xa and x["cach"] == y["cach"]
                == "can_bang" and x["danh_sach"] == y["danh_sach"] == "tiem_nang" and x["ma_dai_ly"] < y["ma_dai_ly"]
                and x["ung_vien"] == y["ung_vien"])
    swap = ("UPDATE {}.tiem_nang_lich_su SET ma_dai_ly = CASE khoa_nguoi WHEN %s THEN %s ELSE %s END"
            " WHERE tuan = %s AND khoa_nguoi IN (%s, %s)")
    ka, kb = f"uid:{a['person_uid']}", f"uid:{b['person_uid']}"
    assert faults(swap, ka, b["ma_dai_ly"], a["ma_dai_ly"], tuan, ka, kb) == {"phan_cong_phat_lai"}
    # an excluded person left on nobody's exclusion list; a result's date off by a day; a hamlet lost
    excluded = _csv(small_world / "truth" / "expected" / week / "loai_tru.csv")[0]
    assert faults("DELETE FROM {}.loai_tru_lich_su WHERE tuan = %s AND ngay_ket_qua = %s AND nhom = %s",
                  tuan, excluded["ngay_ket_qua"], excluded["nhom"]) == {"loai_tru"}
    assert "ket_qua_gan_nhat" in faults("UPDATE {}.tiem_nang_lich_su SET ngay_ket_qua = ngay_ket_qua - 1"
                                        " WHERE tuan = %s AND ngay_ket_qua IS NOT NULL", tuan)
    assert "thon" in faults("UPDATE {}.tiem_nang_lich_su SET thon = '' WHERE tuan = %s AND thon <> ''", tuan)
    # progress: one more joiner; a rate rounded down
    assert faults("UPDATE {}.tien_do_lich_su SET da_dat = da_dat + 1 WHERE tuan = %s AND chi_tieu > 0", tuan) \
        == {"tien_do"}
    assert faults("UPDATE {}.tien_do_dai_ly_lich_su SET so_co_ket_qua = so_co_ket_qua + 1 WHERE tuan = %s",
                  tuan) == {"tien_do_dai_ly"}
