"""Delivery: compressed responses and long cache lifetimes for fingerprinted static files."""

from __future__ import annotations

import gzip
import re

from fastapi.testclient import TestClient


def test_pages_and_assets_are_compressed_for_clients_that_accept_it(browser: TestClient) -> None:
    for path in ("/", "/static/css/app.css", "/static/vendor/leaflet/leaflet.js", "/api/services"):
        answer = browser.get(path, headers={"Accept-Encoding": "gzip"})
        assert answer.status_code == 200, path
        assert answer.headers.get("content-encoding") == "gzip", path
        assert "Accept-Encoding" in answer.headers.get("vary", ""), path
    plain = browser.get("/static/css/app.css", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    raw = browser.get("/static/css/app.css", headers={"Accept-Encoding": "gzip"})
    assert len(gzip.compress(plain.content)) < len(plain.content)  # worth it
    assert raw.content == plain.content  # the client decodes it to the same bytes


def test_tiny_responses_are_not_compressed(browser: TestClient) -> None:
    answer = browser.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in answer.headers


def test_fingerprinted_static_files_are_cached_for_a_year(browser: TestClient) -> None:
    page = browser.get("/").text
    css = re.search(r'href="(/static/css/app\.css\?v=[^"]+)"', page)
    assert css
    versioned = browser.get(css.group(1))
    assert versioned.headers["cache-control"] == "public, max-age=31536000, immutable"
    plain = browser.get("/static/vendor/leaflet/images/layers.png")
    assert plain.headers["cache-control"] == "public, max-age=3600"
    assert browser.get("/sw.js").headers["cache-control"] == "no-cache"  # never stale
    assert "cache-control" not in browser.get("/static/nope.js").headers
