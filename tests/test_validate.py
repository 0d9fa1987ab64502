"""`jaki-forge validate` and `schema` on the shipped profiles and on small inline ones."""

from __future__ import annotations

import json
import re
import shutil

import jsonschema
import pytest
import yaml

from jaki_forge.cli.app import app
from jaki_forge.errors import ProfileError
from jaki_forge.profile.load import load_profile
from jaki_forge.profile.schema import profile_schema, schema_text, shipped_schema_text

from .conftest import GOOD, PROFILES


@pytest.mark.parametrize(
    ("name", "regencies", "districts", "villages"),
    [("lampung", 15, 229, 2651), ("jakarta", 6, 44, 267)],
)
def test_shipped_profiles_validate_with_their_full_hierarchy(runner, name, regencies, districts, villages):
    result = runner.invoke(app, ["validate", str(PROFILES / f"{name}.yaml")])
    assert result.exit_code == 0, result.output
    assert re.search(rf"kabupaten/kota\s+{regencies} \(", result.stdout)
    assert re.search(rf"kecamatan\s+{districts}\n", result.stdout)
    assert re.search(rf"desa/kelurahan\s+{villages} \(", result.stdout)


def test_lampung_profile_has_a_real_catalogue():
    loaded = load_profile(PROFILES / "lampung.yaml")
    p = loaded.profile
    assert len(p.services) >= 25
    assert len({s.group for s in p.services}) >= 6
    assert {"18.01", "18.13", "18.71", "18.72"} <= {r.code for r in loaded.regions if r.level == 2}
    names = {r.code: r.name for r in loaded.regions}
    assert names["18.71"] == "Kota Bandar Lampung"
    assert names["18.04"] == "Kabupaten Lampung Barat"
    assert any("kopi" in c.code for c in p.commodities)
    assert loaded.counts == {"regency": 15, "district": 229, "village": 2651}


def test_validate_json_summary(runner):
    result = runner.invoke(app, ["validate", "--json", str(PROFILES / "jakarta.yaml")])
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert summary["app"]["name"] == "JAKI"
    assert summary["regions"] == {"regency": 6, "district": 44, "village": 267}
    assert summary["regencies"] == {"kabupaten": 1, "kota": 5}
    assert sum(summary["services_per_group"].values()) == summary["services"]


@pytest.mark.parametrize("name", ["lampung", "jakarta"])
def test_schema_output_validates_the_shipped_profiles(runner, name):
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    data = yaml.safe_load((PROFILES / f"{name}.yaml").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)


def test_schema_rejects_what_the_model_rejects():
    validator = jsonschema.Draft202012Validator(profile_schema())
    data = yaml.safe_load((GOOD / "minimal.yaml").read_text(encoding="utf-8"))
    assert validator.is_valid(data)
    data["province"]["timezon"] = "Asia/Jakarta"
    assert not validator.is_valid(data)


def test_shipped_schema_file_is_current_and_profiles_point_to_it():
    assert shipped_schema_text() == schema_text(), "run `jaki-forge schema -o jaki_forge/data/profile.schema.json`"
    for name in ("lampung", "jakarta"):
        first = (PROFILES / f"{name}.yaml").read_text(encoding="utf-8").splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match, first
        assert (PROFILES / match.group(1)).resolve().is_file()


def test_inline_regions_and_defaults(tmp_path):
    text = (GOOD / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "regions:\n  file: files/regions.csv\n",
        "regions:\n  items:\n"
        "    - {code: '18.71', name: Kota Bandar Lampung}\n"
        "    - {code: 18.71.01, name: Tanjung Karang Barat}\n"
        "    - {code: 18.71.01.1001, name: Gedong Air, postal_code: '35151'}\n"
        "    - {code: 18.71.tanjung-karang-timur, name: Tanjung Karang Timur}\n",
    )
    shutil.copytree(GOOD / "files", tmp_path / "files")
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    loaded = load_profile(tmp_path / "p.yaml")
    by_code = {r.code: r for r in loaded.regions}
    assert by_code["18.71.01.1001"].kind == "kelurahan"
    assert by_code["18.71.01.1001"].postal_code == "35151"
    assert by_code["18.71.tanjung-karang-timur"].level == 3
    assert by_code["18.71.tanjung-karang-timur"].official is False
    assert loaded.profile.groups[1].name.get("en") == "Kependudukan"  # falls back to Indonesian


def test_inline_region_problem_points_at_the_profile_line(tmp_path):
    text = (GOOD / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "regions:\n  file: files/regions.csv\n",
        "regions:\n  items:\n    - {code: '18.71', name: Kota Bandar Lampung}\n    - {code: 18.71.1, name: Salah}\n",
    )
    shutil.copytree(GOOD / "files", tmp_path / "files")
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(tmp_path / "p.yaml")
    line = text.splitlines().index("    - {code: 18.71.1, name: Salah}") + 1
    assert str(caught.value) == (
        f"{tmp_path / 'p.yaml'}:{line}:1: regions.items[1].code: '18.71.1': segment 3 '1' must have 2 digits\n"
        "  hint: Kemendagri codes are dotted 2-2-2-4 digits, e.g. 18.71.01.1003"
    )


def test_version_and_help(runner):
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert re.fullmatch(r"jaki-forge \S+\n", result.stdout)
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 2  # usage error: missing argument


def test_missing_profile_file_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(app, ["validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert result.stderr == (
        f"{tmp_path / 'nope.yaml'}: profile not found\n  hint: check the path; looked for {tmp_path / 'nope.yaml'}\n"
    )


def test_public_library_api():
    import jaki_forge
    from jaki_forge.profile import load
    from jaki_forge.replica import create, drift, update

    assert jaki_forge.load_profile is load.load_profile
    assert jaki_forge.generate is create.generate
    assert jaki_forge.update is update.update
    assert (jaki_forge.check, jaki_forge.diff) == (drift.check, drift.diff)
