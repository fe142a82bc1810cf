"""The weekly quality gate on real ingested files: what stops the whole publication, what holds back one province."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import delivery as _delivery

from tiemnang.orchestration.weekly import (
    QualityGateClosed,
    check_quality_gate,
    provinces_to_publish,
    summarize,
)
from tiemnang.quality import validate
from tiemnang.reference import geography
from tiemnang.sources import ingest

D = dt.date(2026, 11, 20)
WELFARE_HEADER = "STT,HỌ VÀ TÊN,NGÀY SINH,GIỚI TÍNH,SỐ ĐỊNH DANH CÁ NHÂN,MÃ HỘ,ĐỐI TƯỢNG\n"
ROSTER_HEADER = "STT,Họ và tên,Ngày sinh,Giới tính,Số định danh cá nhân\n"
NAMELESS = "1,,01/01/1960,Nam,,01-001,HN\n"      # a data row (whole STT) that cannot stand for a person


def _load(conninfo: str, root: Path, *sources: str) -> None:
    for source in sources:
        counts = ingest(conninfo, source, root, D)
        validate(conninfo, source, counts["file_ids"])


def test_a_commune_or_school_file_holds_back_its_province_and_a_register_file_stops_all(committed_db, tmp_path):
    province = geography.province_of
    assert len({province("03784"), province("12700"), province("26782")}) == 3
    _delivery(tmp_path, "welfare", "2026-11-16", {
        "03784_ho_ngheo.csv": WELFARE_HEADER + NAMELESS,                                   # every row quarantined
        "12700_ho_ngheo.csv": WELFARE_HEADER + "1,Lò Văn A,01/01/1960,Nam,,01-001,HN\n",   # fine
    })
    _delivery(tmp_path, "schools", "2026-11-16", {
        "schools.csv": "ma_truong,ten_truong,cap_hoc,ma_xa\n79000001,Trường THPT Một,THPT,26782\n",
        "79000001.csv": ROSTER_HEADER + "1,,,Nam,\n",                                       # every row quarantined
    })
    _load(committed_db, tmp_path, "welfare", "schools")

    gate = check_quality_gate(committed_db, D)
    assert gate["hard_failures"] == 2
    assert list(gate["held"]) == sorted([province("03784"), province("26782")])
    assert "03784_ho_ngheo.csv" in " ".join(gate["held"][province("03784")])
    assert "79000001.csv" in " ".join(gate["held"][province("26782")])
    to_publish = provinces_to_publish(gate)
    assert province("12700") in to_publish and len(to_publish) == len(geography.provinces()) - 2
    # the others publish, then the run fails naming the held provinces
    with pytest.raises(QualityGateClosed, match=f"2 held back.*{province('03784')}: welfare"):
        summarize([{"ma_tinh": p, "tiem_nang": 1} for p in to_publish], [], gate)
    assert summarize([{"ma_tinh": "01", "tiem_nang": 1}], [], {"hard_failures": 0, "held": {}})["rows_tiem_nang"] == 1

    # a register file concerns every province: nothing is published
    _delivery(tmp_path, "register", "2026-11-19", {
        "persons.csv": "id_nguoi,ma_so_bhxh,so_ddcn,ho_ten,ngay_sinh,gioi_tinh,ma_xa,ma_ho\n1,,,,,1,04105,\n"})
    _load(committed_db, tmp_path, "register")
    with pytest.raises(QualityGateClosed, match="stopped by 3 hard .*register/2026-11-19/persons.csv"):
        check_quality_gate(committed_db, D)
