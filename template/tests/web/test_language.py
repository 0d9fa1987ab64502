"""Language: Indonesian pages show no English-only text; unknown URLs get an HTML page."""

from __future__ import annotations

import html
import json
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

from fastapi.testclient import TestClient

from app.models import OfficerRole
from app.web.i18n import LOCALES_DIR
from tests.conftest import Places
from tests.web.conftest import Login, post_form
from tests.web.test_track import file_through_pages

PLACEHOLDER = re.compile(r"\{[^}]*\}")
LINK = re.compile(r"""href="([^"#]+)""")
SKIP = ("/static/", "/api/", "/open311/", "/docs", "/openapi", "/icons/", "/logout")
MAX_PAGES = 250
MIN_FRAGMENT = 12


def english_only_fragments() -> set[str]:
    """Pieces of en.json texts that appear in no id.json text (placeholders cut out)."""
    english = json.loads((LOCALES_DIR / "en.json").read_text(encoding="utf-8"))
    indonesian = json.loads((LOCALES_DIR / "id.json").read_text(encoding="utf-8"))
    everything_id = "\n".join(indonesian.values())
    found: set[str] = set()
    for key, text in english.items():
        if indonesian.get(key) == text:
            continue  # the same in both languages (names, formats)
        for piece in PLACEHOLDER.split(text):
            for line in piece.splitlines():
                line = line.strip(" .,:;()—-\"'")
                if len(line) >= MIN_FRAGMENT and " " in line and line not in everything_id:
                    found.add(line)
    return found


def visible_text(page: str) -> str:
    """The page without scripts, with entities decoded (attributes such as alt stay in)."""
    page = re.sub(r"<script\b.*?</script>", " ", page, flags=re.DOTALL)
    return html.unescape(page)


def crawl(client: TestClient, starts: list[str]) -> dict[str, str]:
    """Every same-site page reachable from `starts` (GET, at most MAX_PAGES): url -> HTML."""
    seen: dict[str, str] = {}
    queue = deque(starts)
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen or url.startswith(SKIP):
            continue
        answer = client.get(url)
        if "text/html" not in answer.headers.get("content-type", ""):
            seen[url] = ""
            continue
        seen[url] = answer.text
        for link in LINK.findall(answer.text):
            target = urljoin(url, html.unescape(link))
            parts = urlsplit(target)
            if parts.netloc and parts.netloc != "testserver":
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if "lang=en" not in path and path not in seen:
                queue.append(path)
    return seen


def test_indonesian_pages_show_no_english_only_text(
    browser: TestClient,
    another_browser: TestClient,
    officer_login: Login,
    places: Places,
) -> None:
    fragments = english_only_fragments()
    assert "Log in, or give a contact e-mail or phone number so the office can reach you" in (
        fragments
    )
    number = file_through_pages(browser, places)
    officer_login(another_browser, places.district.code, OfficerRole.SUPERVISOR)
    pages = crawl(browser, ["/", f"/track/{number}", "/track", "/my-reports", "/no-such-page"])
    pages |= crawl(another_browser, ["/desk", f"/desk/reports/{number}", "/desk/outbox"])
    # pages that show the domain's messages
    refused = post_form(
        browser,
        "/report/ZZ-TEST-DISTRICT",
        "/report/ZZ-TEST-DISTRICT",
        {"description": "Lampu padam", "village": places.village.code},
    )
    pages["/report/ZZ-TEST-DISTRICT (no contact)"] = refused.text
    pages["/report/NOPE"] = browser.get("/report/NOPE").text
    moved = post_form(
        another_browser,
        f"/desk/reports/{number}",
        f"/desk/reports/{number}/transition",
        {"to_status": "Ditolak"},
    )
    pages["desk move without a note"] = moved.text
    assert len(pages) > 30
    problems = {
        url: sorted(f for f in fragments if f in visible_text(page)) for url, page in pages.items()
    }
    assert {url: found for url, found in problems.items() if found} == {}
    assert "Masuk, atau berikan surel atau nomor telepon" in refused.text
    assert "Layanan 'NOPE' tidak ada." in html.unescape(pages["/report/NOPE"])
    assert "Catatan wajib diisi untuk status Ditolak." in moved.text


def test_unknown_urls_answer_html_to_browsers_and_json_to_api_clients(
    browser: TestClient,
) -> None:
    page = browser.get("/tidak-ada", headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Halaman tidak ditemukan" in page.text
    assert '<html lang="id"' in page.text
    wrong_method = browser.delete("/track", headers={"Accept": "text/html"})
    assert wrong_method.status_code == 405
    assert "Permintaan tidak didukung" in wrong_method.text
    english = browser.get("/tidak-ada?lang=en", headers={"Accept": "text/html"})
    assert "Page not found" in english.text
    api = browser.get("/api/tidak-ada", headers={"Accept": "text/html"})
    assert api.status_code == 404
    assert api.json() == {"detail": "Not Found"}
    plain = browser.get("/tidak-ada", headers={"Accept": "application/json"})
    assert plain.json() == {"detail": "Not Found"}


def test_tracking_hint_shows_the_real_prefix(browser: TestClient, places: Places) -> None:
    number = file_through_pages(browser, places)
    prefix = number.split("-")[0]
    hint = re.search(r'id="f-number-hint">([^<]+)<', browser.get("/track").text)
    assert hint
    assert hint.group(1).startswith(f"Contoh: {prefix}-")
    assert "ABC-" not in hint.group(1)
