"""HTML of the monitoring page: Vietnamese labels for officers, small inline SVG bar charts, no scripts."""

from __future__ import annotations

import unicodedata
from html import escape
from urllib.parse import urlencode

from tiemnang.sources import registry

GROUP_LABELS: dict[str, str] = {
    "BB_NLD": "Người lao động chưa tham gia BHXH bắt buộc",
    "BB_CHU_HKD": "Chủ hộ kinh doanh chưa tham gia BHXH",
    "NSNN_DONG": "Đối tượng ngân sách nhà nước đóng BHYT",
    "HO_TRO_CAN_NGHEO": "Hộ cận nghèo được hỗ trợ BHYT",
    "HO_TRO_DTTS": "Người dân tộc thiểu số được hỗ trợ BHYT",
    "HO_TRO_HSSV": "Học sinh, sinh viên",
    "HO_TRO_NLNDM": "Hộ nông, lâm, ngư, diêm nghiệp",
    "DUNG_BHXH_TN": "Dừng đóng BHXH tự nguyện",
    "DUNG_BHYT_GD": "Dừng BHYT hộ gia đình",
    "THANH_VIEN_HO": "Thành viên hộ chưa có BHYT",
    "DUNG_BHXH_BB": "Dừng đóng BHXH bắt buộc trong độ tuổi lao động",
    "HET_HAN_BHYT": "Thẻ BHYT hết hạn trong năm",
    "CAO_TUOI": "Người từ đủ 60 tuổi chưa có BHYT",
    "XA_ATK": "Cư trú tại xã an toàn khu chưa có BHYT",
}
SOURCE_LABELS = {s.name: s.label for s in registry.SOURCES}
TITLE = "Tiềm năng BHXH, BHYT"

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.2rem;color:#1a202c;font-size:14px}
h1{font-size:1.4rem;margin:0 0 .3rem}h2{font-size:1.1rem;margin:1.6rem 0 .5rem;border-bottom:1px solid #e2e8f0}
table{border-collapse:collapse;margin:.3rem 0}th,td{padding:.25rem .6rem;border-bottom:1px solid #edf2f7;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f7fafc}
.ok{color:#276749}.warn{color:#b7791f}.bad{color:#c53030}.muted{color:#718096}
nav a{margin-right:.8rem}form{margin:.4rem 0}svg text{font-family:inherit;font-size:12px}
"""


def t(text: str) -> str:
    """Escaped NFC text (Vietnamese labels may come in decomposed form from data)."""
    return escape(unicodedata.normalize("NFC", str(text)))


def num(value) -> str:
    if value is None:
        return "—"
    return f"{int(value):,}".replace(",", ".")


def delta(value: int | None) -> str:
    if value is None:
        return '<span class="muted">—</span>'
    css = "muted" if value == 0 else ("warn" if value > 0 else "ok")
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f'<span class="{css}">{sign}{num(abs(value))}</span>'


def link(base: str, path: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return escape(f"{base}{path}" + (f"?{query}" if query else ""))


def page(title: str, body: str, base: str) -> str:
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{t(title)} · {t(TITLE)}</title><style>{_CSS}</style></head><body>"
        f'<nav><a href="{link(base, "/")}">Tổng quan</a>'
        f'<a href="{link(base, "/cach-ly")}">Dòng bị cách ly</a></nav>'
        f"<h1>{t(title)}</h1>{body}</body></html>"
    )


def week_selector(weeks: list[dict], current: str, base: str, path: str, **keep) -> str:
    options = "".join(
        f'<option value="{t(w["tuan"])}"{" selected" if w["tuan"] == current else ""}>'
        f'{t(w["tuan"])} (ngày {w["ngay_tham_chieu"]:%d/%m/%Y}, {w["so_tinh"]} tỉnh)</option>'
        for w in weeks
    )
    if current not in {w["tuan"] for w in weeks}:
        options = f'<option value="{t(current)}" selected>{t(current)} (chưa công bố)</option>' + options
    hidden = "".join(f'<input type="hidden" name="{t(k)}" value="{t(v)}">' for k, v in keep.items() if v)
    return (f'<form method="get" action="{link(base, path)}"><label>Tuần: <select name="tuan">{options}</select>'
            f"</label>{hidden} <button type=\"submit\">Xem</button></form>")


def bar_chart(rows: list[tuple[str, int, int | None]], title: str) -> str:
    """Horizontal bars: this week (dark) and, when known, last week (light) per label."""
    if not rows:
        return ""
    label_w, bar_w, row_h = 330, 360, 26
    top = max([max(v, p or 0) for _, v, p in rows] + [1])
    height = row_h * len(rows) + 30
    parts = [f'<svg role="img" aria-label="{t(title)}" width="{label_w + bar_w + 90}" height="{height}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{t(title)}</title>']
    for i, (label, value, previous) in enumerate(rows):
        y = 4 + i * row_h
        w_now = round(bar_w * value / top)
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{t(label)}</text>')
        if previous is not None:
            w_prev = round(bar_w * previous / top)
            parts.append(f'<rect x="{label_w}" y="{y + 12}" width="{w_prev}" height="7" fill="#cbd5e0">'
                         f"<title>Tuần trước: {num(previous)}</title></rect>")
        parts.append(f'<rect x="{label_w}" y="{y + 2}" width="{w_now}" height="10" fill="#2b6cb0">'
                     f"<title>Tuần này: {num(value)}</title></rect>")
        parts.append(f'<text x="{label_w + w_now + 6}" y="{y + 12}">{num(value)}</text>')
    legend_y = height - 8
    parts.append(f'<rect x="{label_w}" y="{legend_y - 9}" width="12" height="9" fill="#2b6cb0"/>'
                 f'<text x="{label_w + 16}" y="{legend_y}">Tuần này</text>'
                 f'<rect x="{label_w + 90}" y="{legend_y - 9}" width="12" height="9" fill="#cbd5e0"/>'
                 f'<text x="{label_w + 106}" y="{legend_y}">Tuần trước</text></svg>')
    return "".join(parts)


def groups_table(groups: dict[str, dict], has_previous: bool) -> str:
    order = [g for g in GROUP_LABELS if g in groups] + sorted(set(groups) - set(GROUP_LABELS))
    rows = []
    for g in order:
        e = groups[g]
        change = e["so_nguoi"] - e["so_nguoi_truoc"] if has_previous else None
        rows.append(f"<tr><td>{t(GROUP_LABELS.get(g, g))} <span class=\"muted\">({t(g)})</span></td>"
                    f'<td class="n">{num(e["so_nguoi"])}</td><td class="n">{delta(change)}</td>'
                    f'<td class="n">{num(e["so_moi"])}</td><td class="n">{num(e["so_da_tham_gia"])}</td></tr>')
    total = {k: sum(e[k] for e in groups.values()) for k in ("so_nguoi", "so_moi", "so_da_tham_gia", "so_nguoi_truoc")}
    change = total["so_nguoi"] - total["so_nguoi_truoc"] if has_previous else None
    rows.append(f'<tr><th>Tổng cộng</th><th class="n">{num(total["so_nguoi"])}</th><th class="n">{delta(change)}</th>'
                f'<th class="n">{num(total["so_moi"])}</th><th class="n">{num(total["so_da_tham_gia"])}</th></tr>')
    chart = bar_chart([(GROUP_LABELS.get(g, g), groups[g]["so_nguoi"],
                        groups[g]["so_nguoi_truoc"] if has_previous else None) for g in order],
                      "Số người tiềm năng theo nhóm")
    return ('<table><tr><th>Nhóm đối tượng</th><th class="n">Số người</th><th class="n">So với tuần trước</th>'
            '<th class="n">Mới</th><th class="n">Đã tham gia</th></tr>' + "".join(rows) + "</table>" + chart)


def quarantine_table(counts: list[dict], base: str, tuan: str, show_province: bool,
                     province_names: dict[str, str]) -> str:
    if not counts:
        return '<p class="ok">Không có dòng nào bị cách ly trong các tệp giao tuần này.</p>'
    head = "<th>Tỉnh</th>" if show_province else ""
    rows = []
    for c in counts:
        cell = f"<td>{t(province_names.get(c['ma_tinh'], 'Chưa xác định tỉnh'))}</td>" if show_province else ""
        href = link(base, "/cach-ly", tuan=tuan, tinh=c["ma_tinh"] or "-", ly_do=c["ly_do"])
        rows.append(f'<tr>{cell}<td><a href="{href}">{t(c["ly_do"])}</a></td><td>{t(c["mo_ta"])}</td>'
                    f'<td class="n">{num(c["so_dong"])}</td><td class="n">{num(c["so_tep"])}</td></tr>')
    return (f'<table><tr>{head}<th>Mã lý do</th><th>Giải thích</th><th class="n">Số mục</th>'
            '<th class="n">Trong đó cả tệp</th></tr>' + "".join(rows) + "</table>")


# Which engine checked a result (ops.dq_result.engine); results stored before the column are not labelled.
ENGINE_LABELS = {"great_expectations": "Great Expectations", "sql": "Truy vấn SQL"}


def dq_table(results: list[dict], docs_href: str | None = None) -> str:
    docs = (f'<p><a href="{docs_href}">Báo cáo chi tiết của Great Expectations (Data Docs)</a></p>'
            if docs_href else "")
    if not results:
        return docs + '<p class="muted">Chưa có kết quả kiểm tra chất lượng dữ liệu cho các tệp giao tuần này.</p>'
    passed = sum(1 for r in results if r["success"])
    failed_hard = sum(1 for r in results if not r["success"] and r["severity"] == "hard")
    failed_soft = len(results) - passed - failed_hard
    summary = (f'<p>Đạt: <b class="ok">{num(passed)}</b> · Không đạt (nghiêm trọng): '
               f'<b class="bad">{num(failed_hard)}</b> · Không đạt (cảnh báo): <b class="warn">{num(failed_soft)}</b></p>')
    engines = sorted({r.get("engine") for r in results} - {None})
    summary += ("<p>Công cụ kiểm tra: " + ", ".join(f"<b>{t(ENGINE_LABELS.get(e, e))}</b>" for e in engines) + "</p>"
                if engines else "")
    rows = []
    for r in results:
        status = ('<span class="ok">Đạt</span>' if r["success"] else
                  '<span class="bad">Không đạt</span>' if r["severity"] == "hard" else '<span class="warn">Cảnh báo</span>')
        rows.append(f'<tr><td>{status}</td><td>{t(r["suite"])}</td><td>{t(r["expectation"])}</td>'
                    f'<td>{t(r["column_name"] or "")}</td><td class="n">{num(r["unexpected_count"])}</td>'
                    f'<td class="n">{num(r["element_count"])}</td><td>{t(r["path"] or "")}</td>'
                    f'<td>{t(ENGINE_LABELS.get(r.get("engine"), "—"))}</td></tr>')
    return (docs + summary + '<table><tr><th>Kết quả</th><th>Bộ kiểm tra</th><th>Điều kiện</th><th>Cột</th>'
            '<th class="n">Số dòng sai</th><th class="n">Số dòng</th><th>Tệp</th><th>Công cụ</th></tr>'
            + "".join(rows) + "</table>")


GATE_LABELS = {
    "closed": ("bad", "Dừng công bố"), "held": ("bad", "Tỉnh chờ tuần sau"), "open": ("ok", "Công bố"),
    "snapshot_in_force": ("ok", "Bản trích xuất sổ quản lý đang dùng"), "file_refused": ("warn", "Tệp không dùng"),
}


def gate_table(decisions: list[dict]) -> str:
    """The gate's decisions of the week: whether it published, from which register snapshot, the files refused."""
    if not decisions:
        return '<p class="muted">Chưa có quyết định của cổng chất lượng cho ngày tham chiếu này.</p>'
    rows = []
    for d in decisions:
        css, label = GATE_LABELS.get(d["decision"], ("muted", d["decision"]))
        where = d["path"] or (f"Tỉnh {d['ma_tinh']}" if d["ma_tinh"] else "Toàn quốc")
        rows.append(f'<tr><td class="{css}">{t(label)}</td><td>{t(where)}</td><td>{t(d["reason"])}</td>'
                    f'<td>{t(d["mo_ta"] or d["message"] or "")}</td></tr>')
    return ('<table><tr><th>Quyết định</th><th>Phạm vi / tệp</th><th>Mã lý do</th><th>Giải thích</th></tr>'
            + "".join(rows) + "</table>")


def ignored_table(entries: list[dict]) -> str:
    if not entries:
        return '<p class="ok">Không có thư mục hay tệp nào bị bỏ qua trong vùng nhận dữ liệu.</p>'
    rows = [f'<tr><td>{t(e["path"])}</td><td>{t(e["reason"])}</td><td>{t(e["mo_ta"])}</td>'
            f'<td>{e["last_seen"]:%d/%m/%Y %H:%M}</td></tr>' for e in entries]
    return ('<table><tr><th>Đường dẫn</th><th>Mã lý do</th><th>Giải thích</th><th>Thấy lần cuối</th></tr>'
            + "".join(rows) + "</table>")


def publication_cell(p: dict) -> str:
    if p.get("published_at"):
        return f'<span class="ok">Đã công bố</span> <span class="muted">{p["published_at"]:%d/%m/%Y %H:%M}</span>'
    return '<span class="bad">Chưa công bố</span>'


def the_trung_pairs_table(pairs: list[dict]) -> str:
    """Overlapping BHYT cards per province and pair of object codes: where the state pays twice."""
    if not pairs:
        return '<p class="muted">Không có thẻ BHYT trùng trong các tỉnh đã công bố tuần này.</p>'
    rows = []
    for p in pairs:
        names = "; ".join(n for n in (p["ten_1"], p["ten_2"]) if n)
        rows.append(f'<tr><td>{t(p["ma_tinh"])}</td><td>{t(p["ten_tinh"])}</td>'
                    f'<td title="{t(names)}">{t(p["cap_doi_tuong"].replace("+", " + "))}</td>'
                    f'<td class="muted">{t(names)}</td><td class="n">{num(p["so_cap"])}</td>'
                    f'<td class="n">{num(p["so_nguoi"])}</td><td class="n">{num(p["so_cap_ngan_sach"])}</td></tr>')
    # a person with three cards is in several pairs: persons are not added up over the rows
    total = {k: sum(p[k] for p in pairs) for k in ("so_cap", "so_cap_ngan_sach")}
    rows.append(f'<tr><th colspan="4">Tổng cộng</th><th class="n">{num(total["so_cap"])}</th><th></th>'
                f'<th class="n">{num(total["so_cap_ngan_sach"])}</th></tr>')
    return ('<table><tr><th>Mã</th><th>Tỉnh, thành phố</th><th>Cặp mã đối tượng</th><th>Đối tượng</th>'
            '<th class="n">Số cặp thẻ trùng</th><th class="n">Số người</th>'
            '<th class="n">Trong đó có thẻ do ngân sách nhà nước đóng hoặc hỗ trợ</th></tr>'
            + "".join(rows) + "</table>")


# ---------------------------------------------------------------- collection agents and targets (issue #17)
def pct(part, whole) -> str:
    """`part / whole` as Vietnamese write a percentage (45,2 %); a dash without a whole."""
    if part is None or not whole:
        return "—"
    return f"{100 * float(part) / float(whole):.1f}".replace(".", ",") + " %"


def collection_sections(c: dict[str, list[dict]]) -> str:
    """The province page's sections on agents and targets: unassigned rows, progress, results per agent."""
    return ("<h2>Dòng chưa giao cho đại lý thu</h2>" + unassigned_table(c["chua_giao"])
            + "<h2>Tiến độ so với chỉ tiêu năm</h2>" + progress_section(c["tien_do"], c["tien_do_tuan"])
            + "<h2>Kết quả của đại lý thu</h2>" + agents_table(c["dai_ly"]))


def unassigned_table(communes: list[dict]) -> str:
    """Per commune: the list rows no agent serves (CONTRACT §4.7), the communes with most of them first."""
    if not communes:
        return '<p class="muted">Tỉnh chưa có danh sách tuần này.</p>'
    for e in communes:
        e["chua_giao"] = e["tiem_nang_chua_giao"] + e["den_han_chua_giao"]
        e["so_dong"] = e["so_tiem_nang"] + e["so_den_han"]
    total = sum(e["so_dong"] for e in communes)
    open_rows = sum(e["chua_giao"] for e in communes)
    short = sorted((e for e in communes if e["chua_giao"]), key=lambda e: (-e["chua_giao"], e["ma_xa"]))
    if not short:
        return f'<p class="ok">Tất cả {num(total)} dòng của hai danh sách đã được giao cho đại lý thu.</p>'
    rows = [f'<tr><td>{t(e["ma_xa"] or "—")}</td><td>{t(e["ten_xa"] or "Chưa xác định xã")}</td>'
            f'<td class="n">{num(e["tiem_nang_chua_giao"])}</td><td class="n">{num(e["den_han_chua_giao"])}</td>'
            f'<td class="n"><b>{num(e["chua_giao"])}</b></td><td class="n">{num(e["so_dong"])}</td>'
            f'<td class="n">{pct(e["chua_giao"], e["so_dong"])}</td></tr>' for e in short]
    return (f'<p class="warn">Chưa giao: <b>{num(open_rows)}</b> trong {num(total)} dòng '
            f"({pct(open_rows, total)}), ở {num(len(short))}/{num(len(communes))} xã, phường — "
            "chưa có đại lý thu nào phụ trách địa bàn (xã hoặc thôn) của các dòng này.</p>"
            '<table><tr><th>Mã xã</th><th>Xã, phường</th><th class="n">Tiềm năng chưa giao</th>'
            '<th class="n">Đến hạn đóng chưa giao</th><th class="n">Tổng chưa giao</th>'
            '<th class="n">Tổng số dòng</th><th class="n">Tỷ lệ chưa giao</th></tr>' + "".join(rows) + "</table>")


def _ty_le(value) -> str:
    return "—" if value is None else f"{100 * float(value):.1f}".replace(".", ",") + " %"


def progress_section(rows: list[dict], weeks: list[dict]) -> str:
    """`tien_do` of the week (CONTRACT §4.8): totals by group, the year's chart, the communes in detail."""
    if not rows:
        return '<p class="muted">Chưa có số liệu tiến độ tuần này (chưa giao chỉ tiêu hoặc tỉnh chưa công bố).</p>'
    by_group: dict[str, dict] = {}
    for r in rows:
        g = by_group.setdefault(r["nhom"], {"chi_tieu": None, "da_dat": 0})
        g["da_dat"] += r["da_dat"]
        if r["chi_tieu"] is not None:
            g["chi_tieu"] = (g["chi_tieu"] or 0) + r["chi_tieu"]
    order = [g for g in GROUP_LABELS if g in by_group] + sorted(set(by_group) - set(GROUP_LABELS))
    lines = [f'<tr><td>{t(GROUP_LABELS.get(g, g))} <span class="muted">({t(g)})</span></td>'
             f'<td class="n">{num(by_group[g]["chi_tieu"])}</td><td class="n">{num(by_group[g]["da_dat"])}</td>'
             f'<td class="n">{pct(by_group[g]["da_dat"], by_group[g]["chi_tieu"])}</td></tr>' for g in order]
    targets = [g["chi_tieu"] for g in by_group.values() if g["chi_tieu"] is not None]
    chi_tieu = sum(targets) if targets else None
    da_dat = sum(g["da_dat"] for g in by_group.values())
    lines.append(f'<tr><th>Tổng cộng</th><th class="n">{num(chi_tieu)}</th><th class="n">{num(da_dat)}</th>'
                 f'<th class="n">{pct(da_dat, chi_tieu)}</th></tr>')
    detail = [f'<tr><td>{t(r["ma_xa"])}</td><td>{t(r["ten_xa"] or "")}</td><td>{t(GROUP_LABELS.get(r["nhom"], r["nhom"]))}'
              f'</td><td class="n">{num(r["chi_tieu"])}</td><td class="n">{num(r["da_dat"])}</td>'
              f'<td class="n">{_ty_le(r["ty_le"])}</td></tr>' for r in rows]
    head = ('<th class="n">Chỉ tiêu năm</th><th class="n">Đã đạt (cộng dồn)</th><th class="n">Tỷ lệ đạt</th>')
    return (f"<p>Năm {rows[0]['nam']}: đã đạt <b>{num(da_dat)}</b> người tham gia mới so với chỉ tiêu "
            f"<b>{num(chi_tieu)}</b> ({pct(da_dat, chi_tieu)}).</p>"
            f"<table><tr><th>Nhóm đối tượng</th>{head}</tr>" + "".join(lines) + "</table>"
            + progress_chart(weeks, f"Đã đạt so với chỉ tiêu qua các tuần năm {rows[0]['nam']}")
            + f"<details><summary>Chi tiết theo xã, phường và nhóm ({num(len(rows))} dòng)</summary>"
            f"<table><tr><th>Mã xã</th><th>Xã, phường</th><th>Nhóm đối tượng</th>{head}</tr>"
            + "".join(detail) + "</table></details>")


def progress_chart(weeks: list[dict], title: str) -> str:
    """Bars of `da_dat` per published week of the year against a step line of the year's target, inline SVG."""
    if not weeks:
        return ""
    left, plot_w, plot_h, top_pad, bottom = 70, 640, 180, 12, 46
    top = max([w["da_dat"] or 0 for w in weeks] + [w["chi_tieu"] or 0 for w in weeks] + [1])
    slot = plot_w / len(weeks)
    bar = max(2.0, slot * 0.6)

    def y(value) -> float:
        return round(top_pad + plot_h * (1 - value / top), 1)

    height = top_pad + plot_h + bottom
    parts = [f'<svg role="img" aria-label="{t(title)}" width="{left + plot_w + 20}" height="{height}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{t(title)}</title>']
    for value in (0, top / 2, top):
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(value)}" y2="{y(value)}" stroke="#e2e8f0"/>'
                     f'<text x="{left - 6}" y="{y(value) + 4}" text-anchor="end">{num(value)}</text>')
    every = max(1, -(-len(weeks) // 12))
    path: list[str] = []
    for i, w in enumerate(weeks):
        x0 = left + i * slot
        value = w["da_dat"] or 0
        parts.append(f'<rect x="{round(x0 + (slot - bar) / 2, 1)}" y="{y(value)}" width="{round(bar, 1)}" '
                     f'height="{round(plot_h + top_pad - y(value), 1)}" fill="#2b6cb0">'
                     f'<title>{t(w["tuan"])}: đã đạt {num(value)}, chỉ tiêu {num(w["chi_tieu"])}</title></rect>')
        if w["chi_tieu"] is None:
            path.append("")
        else:
            start = "L" if path and path[-1] else "M"
            path.append(f'{start}{round(x0, 1)} {y(w["chi_tieu"])} H{round(x0 + slot, 1)}')
        if i % every == 0 or i == len(weeks) - 1:
            parts.append(f'<text x="{round(x0 + slot / 2, 1)}" y="{top_pad + plot_h + 16}" text-anchor="middle">'
                         f'{t(w["tuan"][-3:])}</text>')
    if any(path):
        parts.append(f'<path d="{" ".join(p for p in path if p)}" fill="none" stroke="#dd6b20" stroke-width="2">'
                     "<title>Chỉ tiêu năm</title></path>")
    legend_y = height - 8
    parts.append(f'<rect x="{left}" y="{legend_y - 9}" width="12" height="9" fill="#2b6cb0"/>'
                 f'<text x="{left + 16}" y="{legend_y}">Đã đạt (cộng dồn)</text>'
                 f'<line x1="{left + 150}" x2="{left + 166}" y1="{legend_y - 4}" y2="{legend_y - 4}" '
                 f'stroke="#dd6b20" stroke-width="2"/><text x="{left + 170}" y="{legend_y}">Chỉ tiêu năm</text></svg>')
    return "".join(parts)


def agents_table(rows: list[dict]) -> str:
    """`tien_do_dai_ly` of the week (CONTRACT §4.8): per agent and commune."""
    if not rows:
        return '<p class="muted">Chưa có đại lý thu nào được giao dòng tuần này.</p>'
    lines = [f'<tr><td>{t(r["ma_dai_ly"])}</td><td>{t(r["ten_dai_ly"] or "")}</td>'
             f'<td>{t(r["ten_xa"] or "")} <span class="muted">({t(r["ma_xa"])})</span></td>'
             f'<td class="n">{num(r["so_duoc_giao"])}</td><td class="n">{num(r["so_co_ket_qua"])}</td>'
             f'<td class="n">{pct(r["so_co_ket_qua"], r["so_duoc_giao"])}</td>'
             f'<td class="n">{num(r["so_da_tham_gia"])}</td></tr>' for r in rows]
    total = {k: sum(r[k] for r in rows) for k in ("so_duoc_giao", "so_co_ket_qua", "so_da_tham_gia")}
    agents = len({r["ma_dai_ly"] for r in rows})
    lines.append(f'<tr><th colspan="3">Tổng cộng ({num(agents)} đại lý thu)</th>'
                 f'<th class="n">{num(total["so_duoc_giao"])}</th><th class="n">{num(total["so_co_ket_qua"])}</th>'
                 f'<th class="n">{pct(total["so_co_ket_qua"], total["so_duoc_giao"])}</th>'
                 f'<th class="n">{num(total["so_da_tham_gia"])}</th></tr>')
    return ('<table><tr><th>Mã đại lý</th><th>Tên đại lý thu</th><th>Xã, phường</th><th class="n">Được giao</th>'
            '<th class="n">Có kết quả (30 ngày)</th><th class="n">Tỷ lệ có kết quả</th>'
            '<th class="n">Đã tham gia (giao tuần trước)</th></tr>' + "".join(lines) + "</table>")
