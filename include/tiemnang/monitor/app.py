"""The FastAPI app of the monitoring page, mounted by Airflow's api-server; every route needs an Airflow login."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated
from zoneinfo import ZoneInfo

import psycopg
from fastapi import Depends, FastAPI, HTTPException, Request, status
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials

from tiemnang import config, db
from tiemnang.monitor import queries, render
from tiemnang.monitor.render import t
from tiemnang.quality import gx_engine

log = logging.getLogger(__name__)

URL_PREFIX = "/tiemnang"


class LoginRequired(Exception):
    """Raised by `require_user` when the request carries no valid Airflow login."""


async def require_user(request: Request):
    """The Airflow user of the request (JWT cookie or bearer token), allowed to see the Airflow UI.

    Airflow does not authenticate plugin apps (a mounted app inherits none of the core API's
    dependencies), so each route depends on this.
    """
    from airflow.api_fastapi.app import get_auth_manager
    from airflow.api_fastapi.auth.managers.models.resource_details import AccessView
    from airflow.api_fastapi.core_api.security import get_user

    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    bearer = HTTPAuthorizationCredentials(scheme=scheme, credentials=token) if token else None
    try:
        user = await get_user(request, None, bearer)
    except HTTPException as exc:
        if exc.status_code in (status.HTTP_401_UNAUTHORIZED, status.HTTP_403_FORBIDDEN):
            raise LoginRequired from exc
        raise
    if not get_auth_manager().is_authorized_view(access_view=AccessView.WEBSITE, user=user):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Tài khoản không có quyền xem trang này")
    return user


User = Annotated[object, Depends(require_user)]


@contextmanager
def warehouse() -> Iterator[psycopg.Connection]:
    """A warehouse session for one page; it only reads (its one temporary view is rolled back)."""
    options = f"-c TimeZone={config.TIMEZONE} -c statement_timeout=30s"
    with db.connect(config.warehouse_conninfo(), application_name="tiemnang-monitor", options=options) as conn:
        try:
            yield conn
        finally:
            conn.rollback()


def _base(request: Request) -> str:
    return request.scope.get("root_path", "").rstrip("/")


def _week(conn: psycopg.Connection, tuan: str | None) -> tuple[queries.Week, list[dict]]:
    weeks = queries.published_weeks(conn)
    if tuan:
        try:
            return queries.week(tuan), weeks
        except ValueError as exc:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, "Tuần không hợp lệ (dạng YYYY-Www)") from exc
    if weeks:
        return queries.week(weeks[0]["tuan"]), weeks
    return queries.week_of(dt.datetime.now(ZoneInfo(config.TIMEZONE)).date()), weeks


def create_app() -> FastAPI:
    app = FastAPI(title="Tiềm năng BHXH, BHYT", docs_url=None, redoc_url=None, openapi_url=None)

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, _exc: LoginRequired) -> Response:
        from airflow.api_fastapi.app import get_auth_manager

        return RedirectResponse(get_auth_manager().get_url_login(next_url=str(request.url)),
                                status_code=status.HTTP_303_SEE_OTHER)

    @app.get("/", response_class=HTMLResponse)
    def overview(request: Request, user: User, tuan: str | None = None) -> str:
        base = _base(request)
        with warehouse() as conn:
            w, weeks = _week(conn, tuan)
            pubs = queries.publications(conn, w)
            totals: dict[str, dict] = {}
            has_previous = False
            for p in pubs:
                if not p["published_at"]:
                    continue
                has_previous = has_previous or bool(p["tuan_truoc"])
                for nhom, e in queries.group_sizes(conn, p["ma_tinh"], w, p["tuan_truoc"]).items():
                    agg = totals.setdefault(nhom, dict.fromkeys(e, 0))
                    for k, v in e.items():
                        agg[k] += v
            counts = queries.quarantine_counts(conn, w)
            dq = queries.dq_results(conn, w)
            gate = queries.gate_decisions(conn, w)
            ignored = queries.landing_ignored(conn)
            the_trung_pairs = queries.the_trung_pairs(conn, w)
        names = {p["ma_tinh"]: p["ten_tinh"] for p in pubs}
        q_by_province: dict[str, int] = {}
        for c in counts:
            q_by_province[c["ma_tinh"]] = q_by_province.get(c["ma_tinh"], 0) + c["so_dong"]
        published = [p for p in pubs if p["published_at"]]
        rows = []
        for p in pubs:
            change = (p["so_tiem_nang"] - p["so_tiem_nang_truoc"]
                      if p["published_at"] and p["so_tiem_nang_truoc"] is not None else None)
            href = render.link(base, f"/tinh/{p['ma_tinh']}", tuan=w.tuan)
            rows.append(f'<tr><td>{t(p["ma_tinh"])}</td><td><a href="{href}">{t(p["ten_tinh"])}</a></td>'
                        f'<td class="n">{render.num(p["so_tiem_nang"])}</td><td class="n">{render.delta(change)}</td>'
                        f'<td class="n">{render.num(p["so_don_vi"])}</td><td class="n">{render.num(p["so_den_han"])}</td>'
                        f'<td class="n">{render.num(p["so_the_trung"])}</td><td class="n">{render.num(p["so_no_dong"])}</td>'
                        f'<td class="n">{render.num(q_by_province.get(p["ma_tinh"], 0))}</td>'
                        f"<td>{render.publication_cell(p)}</td></tr>")
        body = (
            render.week_selector(weeks, w.tuan, base, "/")
            + f'<p>Tuần <b>{t(w.tuan)}</b>, ngày tham chiếu <b>{w.ngay_tham_chieu:%d/%m/%Y}</b>. '
            f"Đã công bố: <b>{len(published)}/{len(pubs)}</b> tỉnh.</p>"
            + "<h2>Số người tiềm năng theo nhóm (toàn quốc)</h2>"
            + (render.groups_table(totals, has_previous) if totals else
               '<p class="muted">Chưa có tỉnh nào công bố tuần này.</p>')
            + "<h2>Theo tỉnh</h2><table><tr><th>Mã</th><th>Tỉnh, thành phố</th><th class=\"n\">Người tiềm năng</th>"
            '<th class="n">So với tuần trước</th><th class="n">Đơn vị tiềm năng</th><th class="n">Đến hạn đóng</th>'
            '<th class="n">Thẻ, hồ sơ trùng</th><th class="n">Đơn vị nợ đóng</th>'
            '<th class="n">Dòng cách ly</th><th>Công bố</th></tr>' + "".join(rows) + "</table>"
            + "<h2>Thẻ BHYT trùng theo tỉnh và cặp mã đối tượng (nơi ngân sách có thể đóng hai lần)</h2>"
            + render.the_trung_pairs_table(the_trung_pairs)
            + "<h2>Cổng chất lượng (dòng và tệp bị cách ly không giữ tỉnh nào lại)</h2>" + render.gate_table(gate)
            + "<h2>Dữ liệu bị cách ly theo lý do (các tệp giao trong tuần)</h2>"
            + render.quarantine_table(counts, base, w.tuan, True, names)
            + "<h2>Thư mục, tệp bị bỏ qua trong vùng nhận dữ liệu</h2>" + render.ignored_table(ignored)
            + "<h2>Kiểm tra chất lượng dữ liệu</h2>"
            + render.dq_table(dq, render.link(base, "/gx-docs/index.html") if gx_engine.docs_index().is_file() else None)
        )
        log.info("monitor overview %s shown", w.tuan)
        return render.page("Tổng quan danh sách tiềm năng", body, base)

    @app.get("/tinh/{ma_tinh}", response_class=HTMLResponse)
    def province(request: Request, user: User, ma_tinh: str, tuan: str | None = None) -> str:
        base = _base(request)
        with warehouse() as conn:
            w, weeks = _week(conn, tuan)
            pubs = {p["ma_tinh"]: p for p in queries.publications(conn, w)}
            if ma_tinh not in pubs:
                raise HTTPException(status.HTTP_404_NOT_FOUND, "Không có tỉnh này")
            p = pubs[ma_tinh]
            groups = queries.group_sizes(conn, ma_tinh, w, p["tuan_truoc"])
            counts = queries.quarantine_counts(conn, w, ma_tinh)
            work = queries.collection(conn, ma_tinh, w)
        previous = f"tuần {t(p['tuan_truoc'])}" if p["tuan_truoc"] else "chưa có tuần trước"
        body = (
            render.week_selector(weeks, w.tuan, base, f"/tinh/{ma_tinh}")
            + f"<p>Tuần <b>{t(w.tuan)}</b> (ngày tham chiếu {w.ngay_tham_chieu:%d/%m/%Y}), so sánh với {previous}.</p>"
            + "<h2>Công bố</h2><table><tr><th>Trạng thái</th><th class=\"n\">Người tiềm năng</th>"
            '<th class="n">Đơn vị tiềm năng</th><th class="n">Đến hạn đóng</th><th class="n">Thẻ, hồ sơ trùng</th>'
            '<th class="n">Đơn vị nợ đóng</th></tr>'
            f'<tr><td>{render.publication_cell(p)}</td><td class="n">{render.num(p["so_tiem_nang"])}</td>'
            f'<td class="n">{render.num(p["so_don_vi"])}</td><td class="n">{render.num(p["so_den_han"])}</td>'
            f'<td class="n">{render.num(p["so_the_trung"])}</td><td class="n">{render.num(p["so_no_dong"])}</td></tr></table>'
            + "<h2>Số người tiềm năng theo nhóm</h2>"
            + (render.groups_table(groups, bool(p["tuan_truoc"])) if groups else
               '<p class="muted">Tỉnh chưa công bố tuần này.</p>')
            + render.collection_sections(work)
            + "<h2>Dữ liệu bị cách ly theo lý do</h2>"
            + render.quarantine_table(counts, base, w.tuan, False, {})
        )
        return render.page(f"{p['ten_tinh']} ({ma_tinh})", body, base)

    @app.get("/cach-ly", response_class=HTMLResponse)
    def quarantined(request: Request, user: User, tuan: str | None = None, tinh: str | None = None,
                    ly_do: str | None = None) -> str:
        base = _base(request)
        province_filter = None if not tinh else ("" if tinh == "-" else tinh)
        with warehouse() as conn:
            w, weeks = _week(conn, tuan)
            names = {p["ma_tinh"]: p["ten_tinh"] for p in queries.publications(conn, w)}
            rows = queries.quarantine_rows(conn, w, province_filter, ly_do or None)
        scope = ("tất cả các tỉnh" if province_filter is None else
                 names.get(province_filter, "chưa xác định tỉnh"))
        lines = []
        for r in rows:
            lines.append(
                f'<tr><td>{t(render.SOURCE_LABELS.get(r["source"], r["source"]))}</td><td>{t(r["path"])}</td>'
                f'<td class="n">{r["row_number"] if r["row_number"] is not None else "cả tệp"}</td>'
                f'<td>{t(", ".join(r["reasons"]))}</td><td>{t(", ".join(r["ma_dinh_danh"]))}</td>'
                f'<td>{t(r["nam_sinh"] or "")}</td><td>{t(r["ma_xa"] or "")}</td></tr>')
        more = (f'<p class="warn">Chỉ hiện {queries.ROW_LIMIT} dòng đầu; xem đầy đủ trong bảng ops.quarantine.</p>'
                if len(rows) >= queries.ROW_LIMIT else "")
        body = (
            render.week_selector(weeks, w.tuan, base, "/cach-ly", tinh=tinh, ly_do=ly_do)
            + f"<p>Tuần <b>{t(w.tuan)}</b>, {t(scope)}{', lý do <b>' + t(ly_do) + '</b>' if ly_do else ''}: "
            f"<b>{render.num(len(rows))}</b> mục. Mã định danh đã được che; họ tên không hiển thị.</p>"
            + '<table><tr><th>Nguồn</th><th>Tệp</th><th class="n">Dòng</th><th>Lý do</th>'
            "<th>Mã định danh (đã che)</th><th>Năm sinh</th><th>Mã xã</th></tr>" + "".join(lines) + "</table>" + more
        )
        return render.page("Dòng bị cách ly", body, base)

    @app.get("/gx-docs/{path:path}")
    def gx_docs(user: User, path: str) -> Response:
        """The Data Docs site GX builds after each validation (quality/gx_engine.py), as static files."""
        root = gx_engine.docs_dir()
        target = (root / (path or "index.html")).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            raise HTTPException(status.HTTP_404_NOT_FOUND, "Chưa có báo cáo Data Docs này")
        return FileResponse(target)

    return app


app = create_app()
