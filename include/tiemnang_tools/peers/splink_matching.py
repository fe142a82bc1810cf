"""Splink (DuckDB backend) on the records of the last matching run: the peer our SQL matching is measured against.

Not part of the pipeline (splink is not a runtime requirement):
`python -m tiemnang_tools.peers.splink_matching --db CONNINFO --truth truth.csv`.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from collections import Counter


def main() -> None:
    import pandas as pd
    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on
    from splink.backends.duckdb import DuckDBAPI

    from tiemnang import db

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", required=True)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--threshold", type=float, default=0.95)
    args = ap.parse_args()
    with db.connect(args.db) as conn:
        df = pd.read_sql(
            "SELECT r.rec_id AS unique_id, f.path, r.dong, r.nguon, e.ho AS surname, e.ten AS first_name, e.ten_kd AS full_name,"
            " e.ngay_sinh AS dob, e.nam AS birth_year, e.gioi_tinh::text AS sex, e.ma_xa AS commune,"
            " e.ma_tinh AS province, e.ddcn_goc AS ddcn, e.bhxh_goc AS bhxh"
            " FROM mt.w_rec r JOIN mt.w_rec_ent re USING (rec_id) JOIN mt.w_ent e ON e.ent_id = re.ent_id"
            " JOIN ops.file_log f ON f.file_id = r.file_id", conn)
    truth = {}
    with open(args.truth, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            truth[(row["path"], int(row["dong"]))] = row["person_uid"]
    started = time.perf_counter()
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("full_name", "birth_year"), block_on("first_name", "dob"), block_on("dob", "commune"),
            block_on("full_name", "commune"), block_on("ddcn"), block_on("bhxh"),
        ],
        comparisons=[
            cl.JaroWinklerAtThresholds("full_name", [0.95, 0.88]).configure(term_frequency_adjustments=True),
            cl.ExactMatch("first_name").configure(term_frequency_adjustments=True),
            cl.LevenshteinAtThresholds("dob", [1, 2]),
            cl.ExactMatch("sex"),
            cl.ExactMatch("commune"),
            cl.ExactMatch("province"),
            cl.LevenshteinAtThresholds("ddcn", [1, 2]),
            cl.LevenshteinAtThresholds("bhxh", [1]),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(DuckDBAPI().register(df.drop(columns=["path", "dong", "nguon"])), settings)
    linker.training.estimate_probability_two_random_records_match([block_on("ddcn")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("full_name", "birth_year"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob", "commune"))
    pred = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, args.threshold).as_pandas_dataframe()
    seconds = time.perf_counter() - started
    cid = dict(zip(clusters["unique_id"], clusters["cluster_id"], strict=True))
    uid = {r.unique_id: truth.get((r.path, r.dong)) for r in df.itertuples()}
    src = dict(zip(df["unique_id"], df["nguon"], strict=True))
    print(json.dumps({"seconds": round(seconds, 1), **_quality(cid, uid, src)}, indent=1))


def _pairs(groups: Counter) -> Counter:
    """Pairs within each group, per source pair: groups maps (group, source) to a record count."""
    by_group: dict = {}
    for (g, s), n in groups.items():
        by_group.setdefault(g, []).append((s, n))
    out: Counter = Counter()
    for members in by_group.values():
        for i, (s, n) in enumerate(members):
            out[(s, s)] += n * (n - 1) // 2
            for t, m in members[i + 1:]:
                out[tuple(sorted((s, t)))] += n * m
    return out


def _quality(pred: dict, true: dict, src: dict) -> dict:
    cells = Counter((pred[k], true[k], src[k]) for k in pred if true.get(k) is not None)
    by_pred, by_true, by_cell = Counter(), Counter(), Counter()
    for (p, t, s), n in cells.items():
        by_pred[(p, s)] += n
        by_true[(t, s)] += n
        by_cell[((p, t), s)] += n
    correct, predicted, actual = _pairs(by_cell), _pairs(by_pred), _pairs(by_true)
    ratio = lambda a, b: round(a / b, 5) if b else 1.0  # noqa: E731
    c, p, a = sum(correct.values()), sum(predicted.values()), sum(actual.values())
    return {"pairwise_precision": ratio(c, p), "pairwise_recall": ratio(c, a),
            "predicted_persons": len({g for g, _ in by_pred}), "true_persons": len({g for g, _ in by_true}),
            "by_source_pair": {f"{s}-{t}": {"true_pairs": actual[(s, t)], "pairwise_precision":
                                            ratio(correct[(s, t)], predicted[(s, t)]),
                                            "pairwise_recall": ratio(correct[(s, t)], actual[(s, t)])}
                               for s, t in sorted(set(actual) | set(predicted)) if actual[(s, t)] or predicted[(s, t)]}}


if __name__ == "__main__":
    main()
