"""The monitoring plugin inside a real `airflow api-server`, seen by a headless Chromium after logging in."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from psycopg.conninfo import conninfo_to_dict
from psycopg.types.json import Jsonb

from tiemnang import config, db
from tiemnang.monitor import queries

pytestmark = pytest.mark.slow

USER, PASSWORD = "canbo", "mat-khau-thu-nghiem"
# `make screenshots` points this at docs/screenshots; a plain test run leaves the tracked pictures alone
SCREENSHOT_DIR = Path(os.environ.get("TIEMNANG_SCREENSHOT_DIR", config.local_dir() / "screenshots"))
START_TIMEOUT = 120
ID_FULL = "001203004567"
NAME = "Nguyễn Văn Thửnghiệm"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _stop(proc: subprocess.Popen) -> None:
    """Stop a process group this test started (its own session), waiting a bounded time."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


# ---------------------------------------------------------------- warehouse rows the page must show
def _seed(conninfo: str) -> dict:
    with db.connect(conninfo) as conn:
        ma_xa, ten_xa = conn.execute(
            "SELECT ma_xa, ten_xa FROM ref.commune WHERE ma_tinh = '01' ORDER BY ma_xa LIMIT 1").fetchone()
        ten_tinh = conn.execute("SELECT ten_tinh FROM ref.province WHERE ma_tinh = '01'").fetchone()[0]
        conn.execute(
            "INSERT INTO ops.reason_code (code, scope, mo_ta) VALUES ('thieu_ho_ten', 'row', 'Thiếu họ tên'),"
            " ('khong_dinh_danh', 'row', 'Không có ngày sinh và mã định danh hợp lệ') ON CONFLICT DO NOTHING")
        file_id = conn.execute(
            "INSERT INTO ops.file_log (source, path, delivery_date, kind, file_key, sha256, status,"
            " rows_read, rows_accepted, rows_quarantined) VALUES ('welfare', %s, '2026-11-18', 'welfare', %s,"
            " 'abc', 'loaded', 10, 7, 3) RETURNING file_id",
            (f"welfare/2026-11-18/{ma_xa}_ho_ngheo.csv", f"{ma_xa}_ho_ngheo.csv")).fetchone()[0]
        raws = [{"Họ và tên": "", "Ngày sinh": "12/03/1950", "Số định danh cá nhân": ID_FULL},
                {"Họ và tên": "", "Ngày sinh": "1960", "Số định danh cá nhân": ""},
                {"Họ và tên": NAME, "Ngày sinh": "", "Số định danh cá nhân": "123"}]
        reasons = [["thieu_ho_ten"], ["thieu_ho_ten"], ["khong_dinh_danh"]]
        for i, (raw, why) in enumerate(zip(raws, reasons, strict=True)):
            conn.execute(
                "INSERT INTO ops.quarantine (file_id, source, path, row_number, reasons, raw)"
                " VALUES (%s, 'welfare', %s, %s, %s, %s)",
                (file_id, f"welfare/2026-11-18/{ma_xa}_ho_ngheo.csv", i + 5, why, Jsonb(raw)))
        conn.execute(
            "INSERT INTO ops.dq_result (suite, file_id, path, expectation, column_name, success, severity,"
            " unexpected_count, element_count) VALUES"
            " ('welfare', %(f)s, 'p', 'expect_column_values_to_not_be_null', 'ho_ten', false, 'soft', 3, 10),"
            " ('welfare', %(f)s, 'p', 'expect_table_row_count_to_be_between', NULL, true, 'hard', 0, 10)",
            {"f": file_id})
        for tuan, d, total in (("2026-W46", "2026-11-13", 1180), ("2026-W47", "2026-11-20", 1234)):
            conn.execute(
                "INSERT INTO ops.publication (ma_tinh, tuan, ngay_tham_chieu, published_at, so_tiem_nang,"
                " so_don_vi, so_den_han, so_dong) VALUES ('01', %s, %s, %s, %s, 56, 78, %s)",
                (tuan, d, dt.datetime.fromisoformat(d + "T15:00:00+07:00"), total,
                 Jsonb({"tiem_nang": total, "the_trung": 9_871, "don_vi_no_dong": 4_321})))
        groups = {"2026-W46": [("BB_NLD", 700, 700, 0), ("HO_TRO_HSSV", 480, 480, 0)],
                  "2026-W47": [("BB_NLD", 734, 50, 16), ("HO_TRO_HSSV", 500, 40, 20)]}
        for tuan, rows in groups.items():
            for nhom, so_nguoi, so_moi, so_da in rows:
                conn.execute(
                    "INSERT INTO tinh_01.tong_hop_lich_su (tuan, ngay_tham_chieu, ma_xa, ten_xa, nhom, so_nguoi,"
                    " so_moi, so_da_tham_gia) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                    (tuan, queries.week(tuan).ngay_tham_chieu, ma_xa, ten_xa, nhom, so_nguoi, so_moi, so_da))
        conn.commit()
    return {"ten_tinh": ten_tinh, "ma_xa": ma_xa}


# ---------------------------------------------------------------- airflow api-server with the plugin
@pytest.fixture
def api_server(committed_db, tmp_path) -> Iterator[dict]:
    seeded = _seed(committed_db)
    dbname = conninfo_to_dict(committed_db)["dbname"]
    home = tmp_path / "airflow"
    (home / "dags").mkdir(parents=True)
    passwords = home / "passwords.json"
    passwords.write_text(json.dumps({USER: PASSWORD}), encoding="utf-8")
    docs = tmp_path / "gx" / "docs"
    docs.mkdir(parents=True)
    (docs / "index.html").write_text("<html><body>GX Data Docs index</body></html>", encoding="utf-8")
    port = _free_port()
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__CORE__AUTH_MANAGER": "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{USER}:viewer",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "False",
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(config.PROJECT_ROOT / "plugins"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(home / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DEFAULT_TIMEZONE": config.TIMEZONE,
        "AIRFLOW__API_AUTH__JWT_SECRET": "test-jwt-secret-not-for-production",
        "AIRFLOW__API__SECRET_KEY": "test-api-secret-not-for-production",
        "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{port}",
        "AIRFLOW__API__WORKERS": "1",
        "TIEMNANG_GX_DIR": str(tmp_path / "gx"),
        "AIRFLOW_CONN_TIEMNANG_WAREHOUSE": f"postgresql://{config.LOCAL_PG_USER}@127.0.0.1:{config.local_pg_port()}/{dbname}",
    }
    airflow = str(Path(sys.executable).parent / "airflow")
    subprocess.run([airflow, "db", "migrate"], env=env, check=True, capture_output=True, timeout=300)
    log = (tmp_path / "api-server.log").open("w")
    proc = subprocess.Popen([airflow, "api-server", "--host", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail("api-server exited:\n" + (tmp_path / "api-server.log").read_text()[-4000:])
            try:
                with urllib.request.urlopen(base + "/api/v2/version", timeout=5):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail("api-server did not answer in time:\n"
                                + (tmp_path / "api-server.log").read_text()[-4000:])
                time.sleep(1)
        yield {"base": base, "tmp": tmp_path, **seeded}
    finally:
        _stop(proc)
        log.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _get(url: str, token: str | None = None) -> tuple[int, dict, str]:
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read().decode("utf-8", "replace")


def _token(base: str) -> str:
    req = urllib.request.Request(base + "/auth/token", data=json.dumps({"username": USER, "password": PASSWORD}).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())["access_token"]


def test_plugin_refuses_anonymous_and_serves_logged_in_users(api_server):
    base = api_server["base"]
    for path in ("/tiemnang/", "/tiemnang/tinh/01", "/tiemnang/cach-ly", "/tiemnang/gx-docs/index.html"):
        status, headers, _ = _get(base + path)
        assert status in (302, 303, 307), path
        assert "/auth/login" in headers["location"]
    status, _, _ = _get(base + "/tiemnang/", token="not-a-valid-token")
    assert status in (302, 303, 307)

    token = _token(base)
    status, _, html = _get(base + "/tiemnang/?tuan=2026-W47", token)
    assert status == 200
    assert api_server["ten_tinh"] in html and "1.234" in html and "+54" in html
    assert "Thẻ, hồ sơ trùng" in html and "9.871" in html and "4.321" in html      # revision 2's lists
    assert 'href="/tiemnang/gx-docs/index.html"' in html
    status, _, docs = _get(base + "/tiemnang/gx-docs/index.html", token)
    assert status == 200 and "GX Data Docs index" in docs
    status, _, html = _get(base + "/tiemnang/tinh/01", token)
    assert status == 200 and "<svg" in html and "734" in html and "+34" in html
    status, _, html = _get(base + "/tiemnang/cach-ly?tuan=2026-W47&tinh=01&ly_do=thieu_ho_ten", token)
    assert status == 200 and "001*******67" in html
    assert ID_FULL not in html and NAME not in html and "Thửnghiệm" not in html

    status, _, body = _get(base + "/api/v2/plugins", token)
    plugin = next(p for p in json.loads(body)["plugins"] if p["name"] == "tiemnang_monitor")
    assert plugin["fastapi_apps"][0]["url_prefix"] == "/tiemnang"
    assert plugin["external_views"][0]["href"] == "tiemnang/"


# ---------------------------------------------------------------- a real browser logs in
class _DevTools:
    """Just enough of the Chrome DevTools protocol: one page target, commands and waits."""

    def __init__(self, ws_url: str) -> None:
        from websockets.sync.client import connect

        self.ws = connect(ws_url, max_size=50_000_000, open_timeout=20)
        self.next_id = 0

    def call(self, method: str, timeout: float = 30, **params) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            msg = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def evaluate(self, expression: str):
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.3)
        raise TimeoutError(f"browser never satisfied: {expression}; at {self.evaluate('location.href')}")

    def close(self) -> None:
        self.ws.close()


@pytest.fixture
def browser(tmp_path) -> Iterator[_DevTools]:
    binary = _chromium()
    if binary is None:
        pytest.skip("chromium is not installed and could not be (apt-get install -y chromium)")
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    proc = subprocess.Popen(
        [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1400,1800", f"--user-data-dir={profile}",
         "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    client = None
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not port_file.exists() or not port_file.read_text().strip():
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail("chromium did not open its DevTools port")
            time.sleep(0.2)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as resp:
            page = next(t for t in json.loads(resp.read()) if t["type"] == "page")
        client = _DevTools(page["webSocketDebuggerUrl"])
        client.call("Page.enable")
        client.call("Runtime.enable")
        yield client
    finally:
        if client:
            client.close()
        _stop(proc)


def test_officer_logs_in_and_reads_the_page(api_server, browser):
    base = api_server["base"]
    browser.call("Page.navigate", url=base + "/tiemnang/?tuan=2026-W47")
    # Not logged in: Airflow's login page, which brings the officer back afterwards.
    browser.wait_for("location.pathname.startsWith('/auth/login') && !!document.querySelector('input[name=username]')")
    for field, value in (("username", USER), ("password", PASSWORD)):
        browser.evaluate(f"document.querySelector('input[name={field}]').focus()")
        browser.call("Input.insertText", text=value)
    browser.wait_for("!document.querySelector('button[type=submit]').disabled")
    browser.evaluate("document.querySelector('button[type=submit]').click()")
    browser.wait_for("location.pathname === '/tiemnang/' && document.body.innerText.includes('Theo tỉnh')", 60)

    text = browser.evaluate("document.body.innerText")
    assert api_server["ten_tinh"] in text
    assert "1.234" in text and "+54" in text                      # province total and change on last week
    assert "Đã công bố" in text and "thieu_ho_ten" in text and "Cảnh báo" in text
    assert browser.evaluate("document.querySelectorAll('svg rect').length") >= 4
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    shot = browser.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
    (SCREENSHOT_DIR / "tiemnang_monitor_overview.png").write_bytes(base64.b64decode(shot["data"]))

    browser.evaluate("[...document.querySelectorAll('a')].find(a => a.textContent === 'thieu_ho_ten').click()")
    browser.wait_for("location.pathname === '/tiemnang/cach-ly' && document.body.innerText.includes('đã che')")
    text = browser.evaluate("document.body.innerText")
    assert "001*******67" in text and ID_FULL not in text and NAME not in text
    shot = browser.call("Page.captureScreenshot", format="png")
    (SCREENSHOT_DIR / "tiemnang_monitor_quarantine.png").write_bytes(base64.b64decode(shot["data"]))

    # Inside the Airflow UI: the menu entry's page embeds the plugin.
    browser.call("Page.navigate", url=base + "/plugin/tiemnang")
    browser.wait_for("!!document.querySelector('iframe')", 60)
    time.sleep(2)
    shot = browser.call("Page.captureScreenshot", format="png")
    (SCREENSHOT_DIR / "tiemnang_monitor_in_airflow.png").write_bytes(base64.b64decode(shot["data"]))
