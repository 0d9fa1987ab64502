"""Browser tests: a citizen files a report through the pages of a served replica, an officer in scope
moves it to Selesai, a supervisor verifies it, the citizen tracks and rates it; an officer of another regency
never sees it. Also: installability (manifest, icons, service worker), offline use, labels, phone screenshots.

Drives Debian's Chromium (`apt-get install chromium`) with Playwright for Python; `.ci/run` installs both.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from .conftest import ROOT, install, replica_env, run

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "rahasia-sekali-123"
PHONE = {"width": 390, "height": 844}
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Every visible form control has a label (label[for], wrapping label, aria-label or aria-labelledby).
UNLABELLED = """() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => !['hidden', 'submit', 'button', 'reset', 'image'].includes((el.type || '').toLowerCase()))
  .filter(el => !(el.labels && el.labels.length))
  .filter(el => !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML.slice(0, 120))"""
DECODED_SIZE = """async (src) => { const img = new Image(); img.src = src; await img.decode();
  return [img.naturalWidth, img.naturalHeight]; }"""

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's Chromium is not installed (apt-get install chromium)"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _scenario(replica: Path) -> dict:
    """A requestable service below province level (the one with most attributes), a village, the other regency."""
    profile = json.loads((replica / "app/data/profile.json").read_text(encoding="utf-8"))
    with (replica / "app/data/regions.csv").open(encoding="utf-8", newline="") as handle:
        regions = {row["code"]: row for row in csv.DictReader(handle)}
    services = [s for s in profile["services"] if s["kind"] in ("report", "application") and s["level"] != "province"]
    service = max(services, key=lambda s: len(s["attributes"]))
    village = next(r for r in regions.values() if r["level"] == "4")
    district = regions[village["parent"]]
    regency = regions[district["parent"]]
    other = next(r for r in regions.values() if r["level"] == "2" and r["code"] != regency["code"])
    return {
        "profile": profile,
        "service": service,
        "village": village,
        "district": district,
        "regency": regency,
        "other_regency": other,
    }


class Server:
    """A replica served by `python -m app serve` on a free port, with its own database and uploads."""

    def __init__(self, replica: Path, tmp: Path) -> None:
        self.replica = replica
        self.python = install(replica)
        self.env = {"DATABASE_URL": f"sqlite:///{tmp / 'web.db'}", "STORAGE_DIR": str(tmp / "uploads")}
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        run(self.python, "-m", "app", "init-db", cwd=self.replica, env=self.env)
        run(
            self.python, "-m", "app", "create-admin", "--email", "admin@example.org", "--full-name", "Admin",
            "--password", PASSWORD, cwd=self.replica, env=self.env,
        )  # fmt: skip
        self.process = subprocess.Popen(
            [str(self.python), "-m", "app", "serve", "--port", str(self.port)],
            cwd=self.replica,
            env={**replica_env(), **self.env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(200):
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        pytest.fail("the replica did not start")

    def officer(self, email: str, region: str, role: str = "operator") -> str:
        """Create an officer through the admin API; return the e-mail."""
        with httpx.Client(base_url=self.base, timeout=10) as client:
            token = client.post("/api/auth/officer-login", json={"email": "admin@example.org", "password": PASSWORD})
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
            made = client.post(
                "/api/officers",
                headers=headers,
                json={"email": email, "full_name": email.split("@")[0], "role": role, "region_code": region,
                      "password": PASSWORD},
            )  # fmt: skip
            assert made.status_code == 201, made.text
        return email

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def chromium():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


def _labelled(page, where: str) -> None:
    assert page.evaluate(UNLABELLED) == [], f"form controls without a label on {where}"


def _desk_login(browser, base: str, email: str):
    context = browser.new_context(base_url=base, viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.goto("/desk/login")
    _labelled(page, "/desk/login")
    page.fill("#f-email", email)
    page.fill("#f-password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{base}/desk")
    return page


def _fill_attributes(page, service: dict) -> None:
    for attribute in service["attributes"]:
        field = "#f-attr-" + attribute["code"].replace("_", "-")
        kind = attribute["datatype"]
        if kind == "multivaluelist":
            page.check(f"{field}-1")
        elif kind == "singlevaluelist":
            page.select_option(field, index=1)
        elif kind == "number":
            page.fill(field, "4")
        elif kind == "datetime":
            page.fill(field, "2026-01-05T10:30")
        else:
            page.fill(field, "Isian uji peramban")


@pytest.mark.parametrize("name", ["jakarta", "lampung"])
def test_citizen_report_officer_workflow_and_rating_in_chromium(replicas, tmp_path, chromium, name):
    started = time.perf_counter()
    replica = replicas[name]
    facts = _scenario(replica)
    profile, service, village = facts["profile"], facts["service"], facts["village"]
    server = Server(replica, tmp_path)
    server.start()
    try:
        operator = server.officer("operator@example.org", facts["regency"]["code"])
        supervisor = server.officer("supervisor@example.org", facts["regency"]["code"], "supervisor")
        outsider = server.officer("outsider@example.org", facts["other_regency"]["code"], "supervisor")
        base = server.base

        # --- the citizen's phone: home page, branding, installability -------------------------------------
        citizen_context = chromium.new_context(base_url=base, viewport=PHONE, device_scale_factor=1)
        page = citizen_context.new_page()
        page.goto("/")
        assert page.locator("html").get_attribute("lang") == "id"
        assert page.locator("h1").first.inner_text() == profile["app"]["name"]
        assert page.title().endswith(profile["app"]["name"])
        primary = profile["branding"]["primary"].upper()
        bar = page.evaluate("getComputedStyle(document.querySelector('.app-bar')).backgroundColor")
        assert bar == "rgb({}, {}, {})".format(*(int(primary[i : i + 2], 16) for i in (1, 3, 5)))
        _labelled(page, "/")
        shot = tmp_path / f"home-{name}.png"
        page.screenshot(path=str(shot))
        if os.environ.get("JAKI_FORGE_WRITE_SCREENSHOTS") == "1":
            shutil.copyfile(shot, ROOT / "docs" / f"home-{name}.png")

        manifest_url = page.locator('link[rel="manifest"]').get_attribute("href")
        manifest = page.request.get(manifest_url).json()
        assert manifest["name"] == profile["app"]["name"]
        assert manifest["short_name"] == profile["app"]["short_name"]
        assert manifest["start_url"].startswith("/") and manifest["display"] == "standalone"
        assert manifest["theme_color"] == primary
        sizes = {icon["sizes"] for icon in manifest["icons"] if icon["type"] == "image/png"}
        assert {"192x192", "512x512"} <= sizes
        for icon in manifest["icons"]:
            width = int(icon["sizes"].split("x")[0])
            assert page.evaluate(DECODED_SIZE, icon["src"]) == [width, width], icon["src"]
        assert page.evaluate("navigator.serviceWorker.ready.then(r => r.active !== null)") is True

        # --- register, then file a report: service -> attributes -> location -> photo -> submit -------------
        page.goto("/register")
        _labelled(page, "/register")
        page.fill("#f-full-name", "Warga Peramban")
        page.fill("#f-email", "warga@example.org")
        page.fill("#f-password", PASSWORD)
        page.click("form.card button[type=submit]")
        page.wait_for_url(f"{base}/my-reports")

        page.goto("/report")
        _labelled(page, "/report")
        page.click(f'a[href="/report/{service["code"]}"]')
        page.wait_for_url(f"{base}/report/{service['code']}")
        _labelled(page, "report form")
        page.fill("#f-description", "Laporan uji dari peramban")
        _fill_attributes(page, service)
        page.fill("#f-region-q", village["name"])
        page.click(f'#region-results button[data-region-code="{village["code"]}"]')
        page.wait_for_function("code => document.querySelector('#f-village').value === code", arg=village["code"])
        assert page.input_value("#f-regency") == facts["regency"]["code"]
        assert page.input_value("#f-district") == facts["district"]["code"]
        photo = page.request.get("/icons/icon-192.png").body()
        page.set_input_files("#f-photos", files=[{"name": "foto.png", "mimeType": "image/png", "buffer": photo}])
        _labelled(page, "report form with a chosen place")
        page.click("#report-form > button[type=submit]")
        page.wait_for_url("**/track/*?filed=1")
        number = page.locator("[data-tracking-number]").inner_text().strip()
        assert number and number in page.url
        assert page.locator("[data-report-status]").get_attribute("data-report-status") == "Menunggu"
        assert page.locator(".photos img").count() == 1

        # --- an officer of another regency does not see it -----------------------------------------------
        other = _desk_login(chromium, base, outsider)
        assert number not in other.content()
        assert other.goto(f"/desk/reports/{number}").status == 404
        other.context.close()

        # --- the officer in scope moves it to Selesai ------------------------------------------------------
        desk = _desk_login(chromium, base, operator)
        _labelled(desk, "/desk")
        desk.click(f'a[href="/desk/reports/{number}"]')
        _labelled(desk, "desk report page")
        assert desk.locator(".photos img").count() == 1
        steps = (("koordinasi", "Diteruskan ke dinas terkait"), ("proses", ""), ("selesai", "Lampu sudah diganti"))
        for status, note in steps:
            desk.check(f"#to-{status}")
            if note:
                assert desk.locator("#f-note").evaluate("el => el.required") is True
                desk.fill("#f-note", note)
            if status == "selesai":  # the "after" photo of the finished work
                after = desk.request.get("/icons/icon-192.png").body()
                picture = {"name": "after.png", "mimeType": "image/png", "buffer": after}
                desk.set_input_files("#f-evidence", files=[picture])
            desk.click("form[data-transition-form] button[type=submit]")
            desk.wait_for_url(f"**/desk/reports/{number}?moved=1")
            assert desk.locator("[data-report-status]").get_attribute("data-report-status") == status.capitalize()
        assert "Diteruskan ke dinas terkait" in desk.content()
        desk.screenshot(path=str(tmp_path / f"desk-report-{name}.png"), full_page=True)
        desk.goto("/desk")
        desk.screenshot(path=str(tmp_path / f"desk-{name}.png"), full_page=True)
        desk.context.close()

        # --- a supervisor verifies the closure -----------------------------------------------------------
        boss = _desk_login(chromium, base, supervisor)
        boss.goto(f"/desk/reports/{number}")
        boss.click(f'form[action="/desk/reports/{number}/verify"] button')
        boss.wait_for_url(f"**/desk/reports/{number}?moved=1")
        assert boss.locator(".badge--verified").count() == 1
        boss.context.close()

        # --- the citizen tracks it, sees Selesai and rates it --------------------------------------------
        page.goto("/track")
        _labelled(page, "/track")
        page.fill("#f-number", number.lower())
        page.click("form.card button[type=submit]")
        page.wait_for_url(f"{base}/track/{number}")
        assert page.locator("[data-report-status]").get_attribute("data-report-status") == "Selesai"
        assert "Selesai" in page.locator(".status-line").inner_text()
        assert "Lampu sudah diganti" in page.locator("[data-public-timeline]").inner_text()
        assert "Diteruskan ke dinas terkait" not in page.content()  # an internal note stays internal
        evidence = page.locator("img[data-evidence]")
        assert evidence.count() == 1
        assert page.evaluate(DECODED_SIZE, evidence.get_attribute("src")) == [192, 192]
        _labelled(page, "track page with the rating form")
        page.click('label[for="score-5"]')
        page.fill("#f-comment", "Cepat ditangani")
        page.click(f'form[action="/track/{number}/rating"] button[type=submit]')
        page.wait_for_url(f"**/track/{number}?rated=1")
        page.screenshot(path=str(tmp_path / f"track-{name}.png"), full_page=True)
        assert page.locator(".alert--success").count() == 1
        page.goto("/my-reports")
        assert number in page.content()

        # --- offline: the last seen catalogue is served, other pages say the app is offline --------------
        page.goto("/services")
        citizen_context.set_offline(True)
        page.goto("/services")
        assert profile["groups"][0]["name"]["id"] in page.content()
        assert page.locator("#offline-banner").is_visible()
        page.goto("/track/OFFLINE-0000")
        assert page.locator("#offline-title").count() == 1
        citizen_context.set_offline(False)
        citizen_context.close()

        # --- English switch -------------------------------------------------------------------------------
        english = chromium.new_context(base_url=base, viewport=PHONE).new_page()
        english.goto("/?lang=en")
        assert english.locator("html").get_attribute("lang") == "en"
        english.goto("/track")
        assert english.locator("html").get_attribute("lang") == "en"
        english.context.close()
    finally:
        server.stop()
    print(f"{name}: browser flow in {time.perf_counter() - started:.1f}s")


def test_citizen_sees_the_public_timeline_with_the_rejection_reason_in_chromium(replicas, tmp_path, chromium):
    """A guest files a report; the officer rejects it with a reason; a stranger's browser tracking the number
    sees the public timeline with the reason, the handling unit and no due date."""
    replica = replicas["lampung"]
    facts = _scenario(replica)
    server = Server(replica, tmp_path)
    server.start()
    try:
        operator = server.officer("operator@example.org", facts["regency"]["code"])
        plain = next(
            s for s in facts["profile"]["services"]
            if s["kind"] == "report" and s["level"] == "regency" and not s["attributes"]
        )  # fmt: skip
        with httpx.Client(base_url=server.base, timeout=10) as client:
            filed = client.post(
                "/api/reports",
                data={"service_code": plain["code"], "description": "Jalan berlubang besar",
                      "region_code": facts["village"]["code"], "contact_email": "warga@example.org"},
            )  # fmt: skip
            assert filed.status_code == 201, filed.text
            number = filed.json()["tracking_number"]
        desk = _desk_login(chromium, server.base, operator)
        desk.goto(f"/desk/reports/{number}")
        if desk.locator("#to-ditolak").count() == 0:
            pytest.fail("the operator of the regency cannot reject the report")
        desk.check("#to-ditolak")
        desk.fill("#f-note", "Jalan ini milik pemerintah pusat; silakan lapor ke BPJN.")
        desk.click("form[data-transition-form] button[type=submit]")
        desk.wait_for_url(f"**/desk/reports/{number}?moved=1")
        desk.context.close()

        page = chromium.new_context(base_url=server.base, viewport=PHONE).new_page()
        page.goto(f"/track/{number}")
        assert page.locator("[data-report-status]").get_attribute("data-report-status") == "Ditolak"
        timeline = page.locator("[data-public-timeline]")
        assert [s.get_attribute("data-step") for s in timeline.locator("li").all()] == ["Menunggu", "Ditolak"]
        reason = timeline.locator("[data-public-note]").inner_text()
        assert "Alasan penolakan:" in reason and "silakan lapor ke BPJN" in reason
        assert page.locator("[data-handling-unit]").inner_text().strip()
        assert "Tenggat" not in page.locator(".facts").inner_text()
        _labelled(page, "track page of a rejected report")
        shot = tmp_path / "track-timeline-lampung.png"
        page.screenshot(path=str(shot), full_page=True)
        if os.environ.get("JAKI_FORGE_WRITE_SCREENSHOTS") == "1":
            shutil.copyfile(shot, ROOT / "docs" / "track-timeline-lampung.png")
        page.context.close()
    finally:
        server.stop()


EVIL_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" onload="alert(\'onload\')">'
    "<script>document.documentElement.setAttribute('data-ran', 'yes'); alert('script')</script>"
    '<rect width="64" height="64"/></svg>'
)
HOSTILE_PAGES = [
    "/", "/?lang=en", "/services", "/services/JALAN-RUSAK", "/services/LAPOR", "/report", "/report/JALAN-RUSAK",
    "/track", "/apps", "/prices", "/prices/beras-medium", "/news", "/login", "/register", "/offline", "/desk/login",
]  # fmt: skip


def test_hostile_profile_values_and_an_svg_with_script_run_nothing_in_chromium(template_repo, tmp_path, chromium):
    """Every page of a replica made from a profile with hostile values in every field, its brand CSS, feeds and
    an SVG logo that (as if edited by hand after validation) carries a script: nothing executes."""
    import tinycss2
    from defusedxml.ElementTree import fromstring

    from jaki_forge.profile.load import load_profile
    from jaki_forge.replica.create import generate

    hostile = ROOT / "tests" / "profiles" / "hostile" / "hostile.yaml"
    profile = load_profile(hostile).profile
    replica = generate(hostile, tmp_path / "hostile", template=str(template_repo)).path
    (replica / "app/static/logo.svg").write_text(EVIL_SVG, encoding="utf-8")  # past validation, as a hand edit
    server = Server(replica, tmp_path)
    server.start()
    try:
        context = chromium.new_context(base_url=server.base, viewport=PHONE)
        dialogs: list[str] = []
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for url in HOSTILE_PAGES:
            answer = page.goto(url)
            assert answer is not None and answer.status == 200, url
            page.wait_for_load_state("load")
            scripts = page.evaluate("Array.from(document.scripts).map(s => s.src || s.textContent.slice(0, 60))")
            own = (f"{server.base}/static/js/", f"{server.base}/static/vendor/")  # the replica's own files
            assert all(src.startswith(own) for src in scripts), (url, scripts)
            assert page.evaluate("document.querySelectorAll('[onerror], [onload], [onmouseover]').length") == 0, url
            assert page.evaluate("getComputedStyle(document.body).backgroundImage") == "none", url
        assert page.goto("/").ok
        assert page.locator("h1").first.inner_text() == profile.app.name
        font = page.evaluate("getComputedStyle(document.body).fontFamily")
        assert font.startswith('"Inter\\"; } body'), font

        css = page.request.get("/brand.css").text()
        rules = list(tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True))
        assert [tinycss2.serialize(r.prelude).strip() for r in rules] == [":root"]
        declarations = tinycss2.parse_declaration_list(rules[0].content, skip_whitespace=True, skip_comments=True)
        values = {d.name: [t for t in d.value if t.type != "whitespace"] for d in declarations}
        assert values["--font"][0].type == "string" and values["--font"][0].value == profile.branding.font

        for url in ("/logo.svg", "/static/logo.svg", "/api/profile/logo.svg"):
            answer = page.goto(url)
            assert answer is not None
            assert answer.headers["content-security-policy"] == "sandbox", url
            assert answer.headers["x-content-type-options"] == "nosniff", url
            page.wait_for_load_state("load")
            assert page.evaluate("document.documentElement.getAttribute('data-ran')") is None, url
        page.goto("/")
        assert page.evaluate("document.querySelector('.brand__logo').complete") is True

        for feed in ("/open311/v2/discovery.xml", "/open311/v2/services.xml", "/open311/v2/services/JALAN-RUSAK.xml"):
            answer = page.request.get(feed)
            assert answer.status == 200, feed
            fromstring(answer.body())  # well-formed, no DTD, no entities
        names = [e.text for e in fromstring(page.request.get("/open311/v2/services.xml").body()).iter("service_name")]
        assert profile.services[0].name.id in names
        manifest = page.request.get("/manifest.webmanifest").json()
        assert manifest["name"] == profile.app.name
        assert dialogs == []
        context.close()
    finally:
        server.stop()


# --- issue 14: admin pages, maps, dashboard; axe-core on every new page ---------------------------------------
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
AXE_RUN = """() => axe.run(document, {runOnly: {type: 'tag',
  values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
  .then(r => r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')))"""
DESKTOP = {"width": 1280, "height": 900}
# the part of a focused element hidden under the fixed tab bar (0 when none or no bar)
UNDER_TAB_BAR = """() => { const el = document.activeElement; const bar = document.querySelector('.tab-bar');
  if (!el || !bar || getComputedStyle(bar).position !== 'fixed') return 0;
  const r = el.getBoundingClientRect(); const top = bar.getBoundingClientRect().top;
  return Math.max(0, Math.min(r.bottom, window.innerHeight) - Math.max(r.top, top)); }"""


def _axe(page, where: str) -> None:
    """axe-core (from its npm package, evaluated through the DevTools protocol) finds no violation."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    assert page.evaluate(AXE_RUN) == [], f"axe-core violations on {where}"


def _tab_to(page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until `selector` has the focus (keyboard only)."""
    page.locator("body").focus()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement === document.querySelector(s)", selector):
            return
    pytest.fail(f"{selector} never got the keyboard focus")


def _shot(page, tmp_path: Path, name: str) -> None:
    """The whole page as a phone shows it, the fixed tab bar at its bottom (not over the middle)."""
    path = tmp_path / name
    size = page.viewport_size
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": height})
    page.screenshot(path=str(path))
    page.set_viewport_size(size)
    if os.environ.get("JAKI_FORGE_WRITE_SCREENSHOTS") == "1":
        shutil.copyfile(path, ROOT / "docs" / name)


def test_admin_creates_an_officer_and_enters_prices_that_show_on_the_prices_page_in_chromium(
    replicas, tmp_path, chromium
):
    replica = replicas["lampung"]
    facts = _scenario(replica)
    commodity = facts["profile"]["commodities"][0]
    regency = facts["regency"]
    server = Server(replica, tmp_path)
    server.start()
    try:
        admin = _desk_login(chromium, server.base, "admin@example.org")
        _axe(admin, "/desk")
        admin.goto("/desk/admin")
        _axe(admin, "/desk/admin")
        admin.goto("/desk/admin/officers")
        _labelled(admin, "/desk/admin/officers")
        _axe(admin, "/desk/admin/officers")
        admin.fill("#f-full-name", "Petugas Kedaton")
        admin.fill("#f-email", "kedaton@example.org")
        admin.select_option("#f-officer-region", regency["code"])
        admin.click('form[action="/desk/admin/officers"] button[type=submit]')
        password = admin.locator("[data-new-password] code").inner_text().strip()
        assert len(password) >= 12
        assert "kedaton@example.org" in admin.locator("[data-officers]").inner_text()

        context = chromium.new_context(base_url=server.base, viewport=PHONE)
        officer = context.new_page()
        officer.goto("/desk/login")
        officer.fill("#f-email", "kedaton@example.org")
        officer.fill("#f-password", password)
        officer.click("form button[type=submit]")
        officer.wait_for_url(f"{server.base}/desk")
        assert "Petugas Kedaton" in officer.content()

        # the new officer enters today's price in their regency; it shows on the public prices page
        officer.goto("/desk/admin/prices")
        _labelled(officer, "/desk/admin/prices")
        _axe(officer, "/desk/admin/prices at phone width")
        officer.select_option("#f-commodity-code", commodity["code"])
        officer.select_option("#f-price-region", regency["code"])
        officer.fill("#f-price", "15250")
        officer.click('form[action="/desk/admin/prices"] button[type=submit]')
        officer.wait_for_url("**/desk/admin/prices?saved=1")
        _shot(officer, tmp_path, "admin-prices-phone.png")
        officer.goto(f"/prices?region={regency['code']}")
        assert "Rp15.250" in officer.locator("main").inner_text()
        context.close()

        for path in ("/desk/admin/keys", "/desk/admin/news", "/desk/admin/apps"):
            admin.goto(path)
            _labelled(admin, path)
            _axe(admin, path)
        admin.goto("/desk/admin")
        audit = admin.locator("[data-audit]").inner_text()
        assert "kedaton@example.org" in audit
        assert commodity["code"] in audit
        admin.context.close()
    finally:
        server.stop()


def test_map_shows_a_filed_report_with_tiles_unavailable_in_chromium(replicas, tmp_path, chromium):
    replica = replicas["lampung"]
    facts = _scenario(replica)
    service = facts["service"]
    server = Server(replica, tmp_path)
    server.start()
    try:
        base = server.base
        operator = server.officer("peta@example.org", facts["regency"]["code"])
        here = {"latitude": -5.3971, "longitude": 105.2668}  # Kedaton, Bandar Lampung
        context = chromium.new_context(
            base_url=base, viewport=PHONE, device_scale_factor=1, geolocation=here, permissions=["geolocation"]
        )
        # tests run offline: make sure no tile can load even where a network is reachable
        context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
        page = context.new_page()
        page.goto(f"/report/{service['code']}")
        _axe(page, "report form")
        page.fill("#f-description", "Lubang di jalan, lihat titik di peta")
        _fill_attributes(page, service)
        page.fill("#f-region-q", facts["village"]["name"])
        page.click(f'#region-results button[data-region-code="{facts["village"]["code"]}"]')
        page.wait_for_function(
            "code => document.querySelector('#f-village').value === code", arg=facts["village"]["code"]
        )
        picker = page.locator("[data-map-picker]")
        picker.wait_for(state="visible")
        # the device position puts the pin; a tap on the map moves it nearby
        page.click("[data-geo-button]")
        page.wait_for_function("() => document.querySelector('input[name=lat]').value === '-5.397100'")
        assert page.locator("[data-picker-status]").is_visible()
        picker.click(position={"x": 120, "y": 90})
        lat = float(page.input_value('input[name="lat"]'))
        long = float(page.input_value('input[name="long"]'))
        assert (lat, long) != (-5.3971, 105.2668)
        assert abs(lat - here["latitude"]) < 0.01 and abs(long - here["longitude"]) < 0.01
        page.locator("[data-picker-notice]").wait_for(state="visible")  # tiles failed, the pin still works

        # keyboard only: the contact name field is never under the fixed tab bar (WCAG 2.2 SC 2.4.11)
        _tab_to(page, "#f-contact-name")
        assert page.evaluate(UNDER_TAB_BAR) == 0
        page.fill("#f-contact-name", "Warga Peta")
        page.fill("#f-contact-email", "peta@example.org")
        page.check("#f-is-public")
        page.click("#report-form > button[type=submit]")
        page.wait_for_url("**/track/*?filed=1")
        number = page.locator("[data-tracking-number]").inner_text().strip()

        # the public map: the report is drawn and listed although no tile could load
        page.goto("/map")
        page.locator("[data-map-notice]").wait_for(state="visible")
        assert page.locator("path.map-marker--menunggu").count() >= 1
        assert number in page.locator("#map-list").inner_text()
        item = page.locator(f"#r-{number}")
        assert round(float(item.get_attribute("data-lat")), 3) == float(item.get_attribute("data-lat"))
        _axe(page, "/map")
        _shot(page, tmp_path, "map-phone.png")

        page.goto("/dashboard")
        _axe(page, "/dashboard")
        assert page.locator("[data-trend]").count() == 1
        _shot(page, tmp_path, "dashboard-phone.png")
        geo = page.request.get("/open-data/reports.geojson").json()
        assert number in [f["properties"]["tracking_number"] for f in geo["features"]]

        # the price-trend links on /prices never end up under the tab bar either
        page.goto("/prices")
        trend = page.locator('a[href^="/prices/"]')
        if trend.count():
            _tab_to(page, 'tbody tr:last-child a[href^="/prices/"]')
            assert page.evaluate(UNDER_TAB_BAR) == 0
        context.close()

        # wide screens: no fixed bar over the content
        wide = chromium.new_context(base_url=base, viewport=DESKTOP).new_page()
        wide.goto("/")
        assert wide.evaluate("getComputedStyle(document.querySelector('.tab-bar')).position") != "fixed"
        wide.goto("/dashboard")
        _axe(wide, "/dashboard at desktop width")
        wide.context.close()

        # the desk map of the officer in scope shows the exact spot, focused from the list
        desk = _desk_login(chromium, base, operator)
        desk.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
        desk.goto(f"/desk/map?focus={number}")
        desk.locator("[data-map-notice]").wait_for(state="visible")
        assert desk.locator("path.map-marker").count() >= 1
        assert desk.locator(".leaflet-popup-content").inner_text().strip().startswith(number)
        # Leaflet fades a popup in: check contrast once it is fully shown, not half-transparent
        opacity = "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity"
        for _ in range(50):
            if desk.evaluate(opacity) == "1":
                break
            desk.wait_for_timeout(100)
        _axe(desk, "/desk/map")
        desk.context.close()
    finally:
        server.stop()
