"""Page test helpers: a fresh browser-like client per test, CSRF tokens, logged-in accounts."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.config import Settings
from app.core.db import create_session_factory
from app.core.profile import Profile
from app.main import create_app
from app.models import Citizen, Officer, OfficerRole
from tests.conftest import PASSWORD, add_officer

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


@pytest.fixture(scope="session")
def web_app(engine: Engine, settings: Settings, test_profile: Profile) -> FastAPI:
    """The app with every module on (shared; each test gets its own client and cookies)."""
    return create_app(settings, profile=test_profile)


@pytest.fixture
def browser(web_app: FastAPI) -> Iterator[TestClient]:
    """A client with its own cookie jar, like one browser."""
    with TestClient(web_app, follow_redirects=False) as client:
        yield client


@pytest.fixture
def another_browser(web_app: FastAPI) -> Iterator[TestClient]:
    """A second, independent browser."""
    with TestClient(web_app, follow_redirects=False) as client:
        yield client


def csrf_token(client: TestClient, url: str) -> str:
    """The CSRF token of the form on the page at `url`."""
    page = client.get(url)
    assert page.status_code == 200, page.text
    match = CSRF.search(page.text)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def post_form(
    client: TestClient, page: str, action: str, data: dict[str, Any], **kwargs: Any
) -> Any:
    """Post `data` to `action` with the CSRF token from the form on `page`."""
    return client.post(action, data={"csrf_token": csrf_token(client, page), **data}, **kwargs)


Login = Callable[..., Officer]


@pytest.fixture
def officer_login(engine: Engine, password_hash: str) -> Login:
    """Create an officer and log them in through the desk login page of `client`."""

    def make(
        client: TestClient,
        region_code: str,
        role: OfficerRole = OfficerRole.OPERATOR,
        agency_code: str | None = None,
    ) -> Officer:
        officer = add_officer(
            engine, password_hash, region_code, role=role, agency_code=agency_code
        )
        answer = post_form(
            client, "/desk/login", "/desk/login", {"email": officer.email, "password": PASSWORD}
        )
        assert answer.status_code == 303, answer.text
        return officer

    return make


@pytest.fixture
def citizen_login(engine: Engine, password_hash: str) -> Callable[[TestClient], Citizen]:
    """Create a citizen and log them in through the login page of `client`."""

    def make(client: TestClient) -> Citizen:
        with create_session_factory(engine)() as session:
            citizen = Citizen(
                email=f"warga-{secrets.token_hex(4)}@example.org",
                full_name="Warga Uji",
                password_hash=password_hash,
            )
            session.add(citizen)
            session.commit()
        answer = post_form(
            client, "/login", "/login", {"email": citizen.email, "password": PASSWORD}
        )
        assert answer.status_code == 303, answer.text
        return citizen

    return make


class _Controls(HTMLParser):
    """Form controls of a page and the ids that labels point at."""

    SKIP_TYPES = frozenset({"hidden", "submit", "button", "reset", "image"})

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()
        self.open_labels = 0
        self.html_lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.html_lang = values.get("lang")
        elif tag == "label":
            self.open_labels += 1
            if values.get("for"):
                self.label_for.add(str(values["for"]))
        elif tag in ("input", "select", "textarea"):
            if tag == "input" and (values.get("type") or "text") in self.SKIP_TYPES:
                return
            self.controls.append(
                {**values, "tag": tag, "wrapped": "1" if self.open_labels else None}
            )

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.open_labels = max(0, self.open_labels - 1)


def unlabelled_controls(page: str) -> list[str]:
    """Form controls of `page` without a label (label[for], wrapping label or aria-label)."""
    parser = _Controls()
    parser.feed(page)
    return [
        f"{c['tag']} name={c.get('name')}"
        for c in parser.controls
        if not (
            c.get("wrapped")
            or c.get("aria-label")
            or c.get("aria-labelledby")
            or (c.get("id") and c["id"] in parser.label_for)
        )
    ]


def page_language(page: str) -> str | None:
    """The `lang` attribute of the page's <html> element."""
    parser = _Controls()
    parser.feed(page)
    return parser.html_lang
