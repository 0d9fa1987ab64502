"""A replica rendered from a valid profile with a hostile value in every free-text field: each generated file
parses with its format's parser and carries the values as data, never as structure."""

from __future__ import annotations

import ast
import csv
import io
import json
import tomllib
from pathlib import Path

import pytest
import yaml

from jaki_forge.profile.load import load_profile

HOSTILE = Path(__file__).parent / "profiles" / "hostile" / "hostile.yaml"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, template_repo) -> Path:
    """The hostile replica, rendered once."""
    from jaki_forge.replica.create import generate

    return generate(HOSTILE, tmp_path_factory.mktemp("hostile") / "r", template=str(template_repo)).path


@pytest.fixture(scope="module")
def profile():
    return load_profile(HOSTILE).profile


def _files(root: Path, suffix: str) -> list[Path]:
    return [p for p in root.rglob(f"*{suffix}") if ".git" not in p.parts]


def test_the_hostile_profile_is_valid_and_hostile_everywhere(profile):
    """The profile passes validation: what it carries must be made harmless by encoding, not by refusal."""
    for text in (profile.app.name, profile.province.name, profile.branding.font, profile.agencies[0].name):
        assert any(char in text for char in "<\"'&"), text
    assert "\n" in profile.services[0].description.id


def test_compose_yaml_has_only_its_own_structure(hostile, profile):
    text = (hostile / "compose.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert set(data) == {"name", "services", "volumes"}
    assert data["name"] == "uji-in"
    assert set(data["services"]) == {"app", "db"}
    assert data["services"]["db"]["environment"]["POSTGRES_DB"] == "uji_in"
    first = text.splitlines()[0]
    assert yaml.safe_load(first) is None  # a comment, all of it
    assert json.loads(first[2 : first.index('": app + PostgreSQL') + 1]) == profile.app.name


def test_pyproject_toml_parses_and_holds_the_values_as_strings(hostile, profile):
    data = tomllib.loads((hostile / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    assert project["name"] == "uji-in"
    assert project["description"] == f"{profile.app.name}: layanan publik dan pengaduan warga {profile.province.name}"
    assert project["scripts"] == {"uji-in": "app.cli:main"}


def test_readme_markdown_shows_the_values_as_text_only(hostile, profile):
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse((hostile / "README.md").read_text(encoding="utf-8"))
    headings = [tokens[i + 1] for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert "".join(child.content for child in headings[0].children) == profile.app.name
    assert [t.content for t in headings[1:]] == [
        "Bahasa Indonesia", "Menjalankan", "Halaman", "Alur laporan", "Kinerja", "Notifikasi dan penerusan",
        "English", "Running", "Pages", "API", "Performance", "Notifications and forwarding", "Updating",
    ]  # fmt: skip
    children = [child for token in tokens if token.children for child in token.children]
    assert not [t for t in [*tokens, *children] if t.type.startswith("html")]
    links = {child.attrs.get("href") for child in children if child.type == "link_open"}
    assert all(str(href).startswith("http://127.0.0.1:8000/") for href in links), links
    text = "".join(child.content for child in children if child.type in ("text", "code_inline"))
    assert profile.province.name in text
    assert profile.app.tagline.id in text


def test_generated_json_yaml_csv_and_python_parse(hostile, profile):
    data = json.loads((hostile / "app/data/profile.json").read_text(encoding="utf-8"))
    assert data["app"]["name"] == profile.app.name
    assert data["branding"]["font"] == profile.branding.font
    assert data["services"][0]["description"]["id"] == profile.services[0].description.id
    answers = yaml.safe_load((hostile / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["profile"]["agencies"][0]["name"] == profile.agencies[0].name
    rows = list(csv.DictReader(io.StringIO((hostile / "app/data/regions.csv").read_text(encoding="utf-8"))))
    assert rows[1]["name"] == 'Kota Bandar "Lampung" <script>alert(18)</script>'
    assert [r["kind"] for r in rows[-3:]] == ["kelurahan", "desa", "desa adat"]
    for path in _files(hostile, ".json"):
        json.loads(path.read_text(encoding="utf-8"))
    for path in _files(hostile, ".yml") + _files(hostile, ".yaml"):
        yaml.safe_load(path.read_text(encoding="utf-8"))
    for path in _files(hostile, ".toml"):
        tomllib.loads(path.read_text(encoding="utf-8"))
    for path in _files(hostile, ".py"):
        ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_template_syntax_in_values_is_never_evaluated(hostile):
    text = (hostile / "app/data/profile.json").read_text(encoding="utf-8")
    assert "{{7*7}}" in text and "{{ 7*7 }}" in text and "{% raw %}" in text
    assert "49" not in text


def test_the_logo_svg_in_the_replica_is_the_checked_one(hostile):
    from lxml import etree

    svg = (hostile / "app/static/logo.svg").read_bytes()
    assert svg == (HOSTILE.parent / "files" / "logo.svg").read_bytes()
    root = etree.fromstring(svg)
    assert not [e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname == "script"]


def test_the_hostile_replica_passes_its_own_suite(hostile):
    """Pages, feeds and API of the hostile replica work and show the values escaped (the replica's own tests)."""
    from .conftest import install, run

    result = run(install(hostile), "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=hostile)
    assert " passed" in result.stdout and " failed" not in result.stdout
