"""The peer a user would otherwise write: pandas reads every file, merges on so_ddcn, builds two lists.

Run as `python -m tiemnang_tools.peers.pandas_chain LANDING D`; prints counts as JSON. Deliberately straightforward:
whole files in memory, `pd.read_csv` / `pd.read_excel`, exact-ID merges only (no fuzzy matching).
"""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

import pandas as pd


def _key(text: str) -> str:
    return unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower().replace(" ", "")


def _latest(landing: Path, source: str, name: str, d: str) -> Path | None:
    found = sorted(p for p in landing.glob(f"{source}/*/{name}") if p.parent.name <= d and (p.parent / "_READY").exists())
    return found[-1] if found else None


def _roster(path: Path) -> pd.DataFrame:
    try:
        raw = (pd.read_excel(path, header=None, dtype=str, engine="openpyxl") if path.suffix == ".xlsx"
               else pd.read_csv(path, header=None, dtype=str, encoding_errors="replace", on_bad_lines="skip"))
    except Exception:  # noqa: BLE001 - the peer skips what it cannot read
        return pd.DataFrame(columns=["hovaten", "sodinhdanhcanhan"])
    for i, row in raw.iterrows():
        keys = [_key(c) for c in row.fillna("")]
        if "hovaten" in keys:
            frame = raw.iloc[i + 1:].copy()
            frame.columns = keys
            return frame[frame["hovaten"].notna()]
    return pd.DataFrame(columns=["hovaten", "sodinhdanhcanhan"])


def main(landing: Path, d: str) -> dict:
    persons = pd.read_csv(_latest(landing, "register", "persons.csv", d), dtype=str)
    coverage = pd.read_csv(_latest(landing, "register", "coverage.csv", d), dtype=str)
    coverage["tu_ngay"] = pd.to_datetime(coverage["tu_ngay"])
    coverage["den_ngay"] = pd.to_datetime(coverage["den_ngay"]).fillna(pd.Timestamp("2262-01-01"))
    day = pd.Timestamp(d)
    bhyt = coverage[(coverage.loai == "BHYT") & (coverage.tu_ngay <= day) & (coverage.den_ngay >= day)]
    covered = set(bhyt.id_nguoi)

    rosters = {}
    for path in sorted(landing.glob("schools/*/*")):
        if path.name in ("schools.csv", "_READY") or path.parent.name > d or not (path.parent / "_READY").exists():
            continue
        rosters[path.stem] = _roster(path)
    students = pd.concat(rosters.values(), ignore_index=True) if rosters else pd.DataFrame()
    welfare = [_roster(p) for p in sorted(landing.glob("welfare/*/*"))
               if p.name != "_READY" and p.parent.name <= d and (p.parent / "_READY").exists()]
    welfare_df = pd.concat(welfare, ignore_index=True) if welfare else pd.DataFrame()

    # pandas joins NaN to NaN: without dropping the empty IDs every student without one meets every such person
    persons = persons.dropna(subset=["so_ddcn"]).drop_duplicates("so_ddcn")
    students = students.merge(persons[["so_ddcn", "id_nguoi"]], how="left",
                              left_on="sodinhdanhcanhan", right_on="so_ddcn")
    hssv = students[~students.id_nguoi.isin(covered)].drop_duplicates("sodinhdanhcanhan")
    welfare_df = welfare_df.merge(persons[["so_ddcn", "id_nguoi"]], how="left",
                                  left_on="sodinhdanhcanhan", right_on="so_ddcn")
    nsnn = welfare_df[welfare_df.get("doituong", pd.Series(dtype=str)).isin(["HN", "HTXH"])
                      & ~welfare_df.id_nguoi.isin(covered)].drop_duplicates("sodinhdanhcanhan")
    return {"students": len(students), "welfare": len(welfare_df), "ho_tro_hssv": len(hssv), "nsnn_dong": len(nsnn)}


def parse_output(stdout: str) -> dict:
    try:
        return json.loads(stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {}


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), sys.argv[2])))
