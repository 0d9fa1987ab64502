"""Every broken profile in tests/profiles/bad/ fails with exactly the message a user must see, and exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from jaki_forge.cli.app import app
from jaki_forge.errors import ProfileError
from jaki_forge.profile.load import load_profile

BAD = Path(__file__).parent / "profiles" / "bad"

# The whole message for each broken profile; {bad} stands for the folder as given on the command line.
EXPECTED = {
    "agency-level-below-region": (
        "{bad}/agency-level-below-region.yaml:36:12: agencies[1].level: a regency-level agency cannot sit in region '18.71.01', which is a district\n"
        "  hint: raise the agency's level or place it in a higher region"
    ),
    "application-id-invalid": (
        "{bad}/application-id-invalid.yaml:13:19: app.application_id: 'ujiin' is not an Android-style application id: two or more dot-separated parts of lowercase letters, digits and '_', each starting with a letter\n"
        "  hint: write it like id.go.lampungprov.lampungin"
    ),
    "attribute-duplicate-order": (
        "{bad}/attribute-duplicate-order.yaml:62:16: services[0].attributes[1].order: order 1 is already used by attributes[0]\n"
        "  hint: number the attributes 1, 2, 3, …"
    ),
    "bidi-override": (
        "{bad}/bidi-override.yaml:30:11: agencies[0].name: contains the text-direction control U+202E, which disguises text; remove it\n"
        "  hint: remove the invisible character (it often comes with text copied from another program)"
    ),
    "colour-invalid": (
        "{bad}/colour-invalid.yaml:18:14: branding.secondary: '#F2C23' is not valid here: expected a colour written as # and six hexadecimal digits\n"
        "  hint: write colours as #RRGGBB, e.g. #0B6E4F"
    ),
    "contrast-too-low": (
        "{bad}/contrast-too-low.yaml:17:12: branding.primary: text colour #FFFFFF on primary #F7941D has contrast 2.28:1, below the WCAG AA minimum of 4.5:1\n"
        "  hint: darken the primary colour (for white text) or change branding.text_on_primary"
    ),
    "directory": ("{bad}/directory.yaml: profile is a directory, not a file\n  hint: give the path of the file itself"),
    "duplicate-agency-code": (
        "{bad}/duplicate-agency-code.yaml:33:11: agencies[1].code: duplicate agency code 'DBMBK' (also agencies[0])\n"
        "  hint: give each agency its own code"
    ),
    "duplicate-group-code": (
        "{bad}/duplicate-group-code.yaml:25:11: groups[1].code: duplicate group code 'infrastruktur' (also groups[0])\n"
        "  hint: give each group its own code"
    ),
    "duplicate-service-code": (
        "{bad}/duplicate-service-code.yaml:63:11: services[1].code: duplicate service code 'JALAN-RUSAK' (also services[0])\n"
        "  hint: give each service its own code"
    ),
    "duplicate-yaml-key": (
        "{bad}/duplicate-yaml-key.yaml:7:3: province.name: duplicate key 'name' (first given on line 4)\n"
        "  hint: a key may appear once per mapping; remove or merge one of them"
    ),
    "empty": ("{bad}/empty.yaml: profile is empty\n  hint: start from profiles/lampung.yaml"),
    "enum-invalid": (
        "{bad}/enum-invalid.yaml:47:12: services[0].level: 'county' is not allowed; expected 'province', 'regency', 'district' or 'village'"
    ),
    "languages-order": (
        "{bad}/languages-order.yaml:15:14: app.languages: must start with 'id' (Indonesian is the default language)\n"
        "  hint: write languages: [id, en]"
    ),
    "link-without-url": (
        "{bad}/link-without-url.yaml:63:5: services[1]: a 'link' service needs a 'url' (https://...) to the external app\n"
        "  hint: add 'url: https://…', or change 'kind' to report, application or information"
    ),
    "logo-missing": (
        "{bad}/logo-missing.yaml:21:9: branding.logo: logo file not found: {bad}/files/missing.svg\n"
        "  hint: the path is relative to the profile file"
    ),
    "logo-not-png": (
        "{bad}/logo-not-png.yaml:21:9: branding.logo: logo 'fake.png' is not a complete PNG image: it cannot be decoded\n"
        "  hint: export the logo again as a PNG file"
    ),
    "logo-not-svg": (
        "{bad}/files/broken.svg:1: branding.logo: logo 'broken.svg' is not valid SVG: Opening and ending tag mismatch: rect line 1 and svg\n"
        "  hint: open it in an SVG editor and save it again"
    ),
    "logo-wrong-type": (
        "{bad}/logo-wrong-type.yaml:21:9: branding.logo: logo 'logo.jpg' must be an .svg or .png file\n"
        "  hint: convert the logo to SVG or PNG"
    ),
    "malformed-yaml": (
        "{bad}/malformed-yaml.yaml:9:4: malformed YAML: did not find expected ',' or ']'\n"
        "  hint: check indentation, colons and quotes on this line and the one before"
    ),
    "missing-field": (
        "{bad}/missing-field.yaml:3:3: province: missing required field 'capital'\n  hint: add 'capital:' to province"
    ),
    "multiple-problems": (
        "{bad}/multiple-problems.yaml:17:12: branding.primary: text colour #FFFFFF on primary #F7941D has contrast 2.28:1, below the WCAG AA minimum of 4.5:1\n"
        "  hint: darken the primary colour (for white text) or change branding.text_on_primary\n"
        "{bad}/multiple-problems.yaml:46:13: services[0].agency: unknown agency 'DINAS-X' (known: DBMBK, PEMKOT-BL)\n"
        "  hint: add the agency under 'agencies'\n"
        "{bad}/multiple-problems.yaml:63:11: services[1].code: duplicate service code 'JALAN-RUSAK' (also services[0])\n"
        "  hint: give each service its own code"
    ),
    "not-utf8": ("{bad}/not-utf8.yaml:6:23: profile is not UTF-8 text (byte 0xfc)\n  hint: save the file as UTF-8"),
    "prices-without-commodities": (
        "{bad}/prices-without-commodities.yaml:73:46: modules.prices: the prices module is on but no commodities are listed\n"
        "  hint: list the commodities to track, or set modules.prices: false"
    ),
    "province-code-not-quoted": (
        "{bad}/province-code-not-quoted.yaml:3:9: province.code: expected text, found the number 18\n"
        '  hint: quote the value, e.g. code: "18"'
    ),
    "region-bad-segment": (
        "{bad}/files/regions-segment.csv:3:1: regions[1].code: '18.71.1': segment 3 '1' must have 2 digits\n"
        "  hint: Kemendagri codes are dotted 2-2-2-4 digits, e.g. 18.71.01.1003"
    ),
    "region-duplicate-code": (
        "{bad}/files/regions-duplicate.csv:5:1: regions[3].code: duplicate region code '18.71.01.1001' (first on line 4)\n"
        "  hint: each region appears once"
    ),
    "region-kind-contradiction": (
        "{bad}/files/regions-kind.csv:2:1: regions[0].kind: kind 'kabupaten' contradicts code '18.71', which is a kota\n"
        "  hint: kabupaten 01-69, kota 71-99; villages starting 1 are kelurahan, 2 desa, 3 desa adat"
    ),
    "region-missing-parent": (
        "{bad}/files/regions-orphan.csv:4:1: regions[2].code: the parent '18.71.02' of '18.71.02.1001' is not in the regions list\n"
        "  hint: add the parent region or fix the code"
    ),
    "region-outside-province": (
        "{bad}/files/regions-outside.csv:6:1: regions[4].code: '31.71' is not under the province's code '18'\n"
        "  hint: every region code starts with '18.'"
    ),
    "region-parent-mismatch": (
        "{bad}/files/regions-parent.csv:4:1: regions[2].parent: '18.71.01.1001' does not nest under its parent '18.71.02'\n"
        "  hint: a region's code extends its parent's code; the parent of '18.71.01.1001' is '18.71.01'"
    ),
    "region-village-digit": (
        "{bad}/files/regions-village.csv:4:1: regions[2].code: '18.71.01.4001': a village code's last segment starts with 1 (kelurahan), 2 (desa) or 3 (desa adat), not 4\n"
        "  hint: check the official code list"
    ),
    "region-name-control": (
        "{bad}/files/regions-control.csv:2:1: regions[0].name: the name must be on one line (it contains a line break)\n"
        "  hint: write the name on one line, without invisible characters\n"
        "{bad}/files/regions-control.csv:4:1: regions[1].name: the name contains the control character U+001B (ESC); remove it\n"
        "  hint: write the name on one line, without invisible characters"
    ),
    "regions-bad-header": (
        "{bad}/files/regions-header.csv:1:1: the first line is not a regions CSV header jaki-forge knows (is this a regions table?)\n"
        "  hint: use the official 'code,name' table or the columns code,parent,level,kind,name,postal_code"
    ),
    "regions-file-missing": (
        "{bad}/regions-file-missing.yaml:72:9: regions.file: regions file not found ({bad}/files/no-such-regions.csv)\n"
        "  hint: check the path; looked for {bad}/files/no-such-regions.csv"
    ),
    "regions-two-sources": (
        "{bad}/regions-two-sources.yaml:72:3: regions: give exactly one of 'file' (a CSV next to the profile) or 'items' (an inline list)\n"
        "  hint: keep either 'file' or 'items'"
    ),
    "schema-version": ("{bad}/schema-version.yaml:1:17: schema_version: the number 2 is not allowed; expected 1"),
    "slug-dot-dot": (
        "{bad}/slug-dot-dot.yaml:11:9: app.slug: must not contain '..'\n"
        "  hint: use lowercase letters, digits and hyphens, e.g. lampung-in"
    ),
    "slug-path-separator": (
        "{bad}/slug-path-separator.yaml:11:9: app.slug: must not contain path separators ('/' or '\\')\n"
        "  hint: use lowercase letters, digits and hyphens, e.g. lampung-in"
    ),
    "slug-template-syntax": (
        "{bad}/slug-template-syntax.yaml:11:9: app.slug: must not contain template syntax ('{{', '{%' or '{#')\n"
        "  hint: use lowercase letters, digits and hyphens, e.g. lampung-in"
    ),
    "slug-uppercase": (
        "{bad}/slug-uppercase.yaml:11:9: app.slug: 'Uji_In' is not a safe slug (it names the replica's directory and Docker image)\n"
        "  hint: use lowercase letters, digits and hyphens, e.g. lampung-in"
    ),
    "timezone-unknown": (
        "{bad}/timezone-unknown.yaml:7:13: province.timezone: unknown IANA timezone 'Asia/Jakart'\n"
        "  hint: did you mean 'Asia/Jakarta'?"
    ),
    "top-level-list": ("{bad}/top-level-list.yaml:1:1: profile must be a YAML mapping of keys to values, found a list"),
    "unknown-agency-region": (
        "{bad}/unknown-agency-region.yaml:37:13: agencies[1].region: unknown region '18.75'\n"
        "  hint: use the province code '18' or a code from the regions list"
    ),
    "unknown-agency": (
        "{bad}/unknown-agency.yaml:46:13: services[0].agency: unknown agency 'DINAS-X' (known: DBMBK, PEMKOT-BL)\n"
        "  hint: add the agency under 'agencies'"
    ),
    "unknown-field": (
        "{bad}/unknown-field.yaml:7:12: province.timezon: unknown field 'timezon'\n  hint: did you mean 'timezone'?"
    ),
    "unknown-group": (
        "{bad}/unknown-group.yaml:64:12: services[1].group: unknown group 'kependudukn' (known: infrastruktur, kependudukan)\n"
        "  hint: did you mean 'kependudukan'?"
    ),
    "valuelist-without-values": (
        "{bad}/valuelist-without-values.yaml:59:9: services[0].attributes[1]: a multivaluelist attribute needs at least one entry in 'values'\n"
        "  hint: add 'values:' as a list of {key, name}, or use the string, text, number or datetime datatype"
    ),
    "yaml-alias-bomb": (
        "{bad}/yaml-alias-bomb.yaml:8:1: profile expands to more than 1,000,000 values through YAML aliases (*name); refused\n"
        "  hint: write the values out instead of repeating aliases, or keep large lists in a CSV file"
    ),
    "yaml-recursive-alias": (
        "{bad}/yaml-recursive-alias.yaml:2:11: profile holds a value that contains itself through an alias (&anchor … *anchor)\n"
        "  hint: a profile needs no recursive aliases; write the value out"
    ),
    "every-problem-at-once": (
        "{bad}/every-problem-at-once.yaml:8:13: province.timezone: unknown IANA timezone 'Asia/Jakart'\n"
        "  hint: did you mean 'Asia/Jakarta'?\n"
        "{bad}/every-problem-at-once.yaml:12:9: app.slug: 'Uji In' is not a safe slug (it names the replica's directory and Docker image)\n"
        "  hint: use lowercase letters, digits and hyphens, e.g. lampung-in\n"
        "{bad}/every-problem-at-once.yaml:18:12: branding.primary: text colour #FFFFFF on primary #F7941D has contrast 2.28:1, below the WCAG AA minimum of 4.5:1\n"
        "  hint: darken the primary colour (for white text) or change branding.text_on_primary\n"
        "{bad}/every-problem-at-once.yaml:49:15: services[0].sla_days: the number -3 is out of range: input should be greater than or equal to 1"
    ),
    "contact-not-email": (
        "{bad}/contact-not-email.yaml:40:14: agencies[1].contact: 'javascript:alert(1)//@x.id' is neither an https:// address nor an e-mail address (The email address contains invalid characters before the @-sign: '(', ')', ':')\n"
        "  hint: write an e-mail address such as pengaduan@lampungprov.go.id or an https:// address"
    ),
    "slug-reserved": (
        "{bad}/slug-reserved.yaml:12:9: app.slug: 'con' is a name Windows reserves for a device; a directory cannot be called that\n"
        "  hint: use lowercase letters, digits and hyphens, e.g. lampung-in"
    ),
    "url-not-https": (
        "{bad}/url-not-https.yaml:80:10: integrations[0].url: 'http://www.lapor.go.id' is not valid here: expected an https:// address without spaces"
    ),
    "regions-not-csv": (
        "{bad}/files/passwd:1:1: the first line is not a regions CSV header jaki-forge knows (is this a regions table?)\n"
        "  hint: use the official 'code,name' table or the columns code,parent,level,kind,name,postal_code"
    ),
    "newline-in-app-name": (
        "{bad}/newline-in-app-name.yaml:10:9: app.name: must be on one line (it contains a line break)\n"
        "  hint: write it on one line; only descriptions may span lines"
    ),
    "newline-in-font": (
        "{bad}/newline-in-font.yaml:23:9: branding.font: must be on one line (it contains a line break)\n"
        "  hint: write it on one line; only descriptions may span lines"
    ),
    "control-characters": (
        "{bad}/control-characters.yaml:45:16: services[0].name.id: contains the control character U+0000 (NUL); remove it\n"
        "  hint: remove the invisible character (it often comes with text copied from another program)\n"
        "{bad}/control-characters.yaml:45:36: services[0].name.en: contains the control character U+001B (ESC); remove it\n"
        "  hint: remove the invisible character (it often comes with text copied from another program)\n"
        "{bad}/control-characters.yaml:46:67: services[0].description.en: contains the control character U+0009 (TAB); remove it\n"
        "  hint: remove the invisible character (it often comes with text copied from another program)\n"
        "{bad}/control-characters.yaml:50:23: services[0].keywords[1]: contains the control character U+0007 (BEL); remove it\n"
        "  hint: remove the invisible character (it often comes with text copied from another program)\n"
        "{bad}/control-characters.yaml:50:35: services[0].keywords[2]: contains the control character U+007F (DEL); remove it\n"
        "  hint: remove the invisible character (it often comes with text copied from another program)"
    ),
    "control-characters-in-key": (
        "{bad}/control-characters-in-key.yaml:9:24: province.\\x1b]0;pwned\\x07\\x1b[2J: unknown field '\\x1b]0;pwned\\x07\\x1b[2J'\n"
        "  hint: allowed here: code, name, iso_code, capital, timezone"
    ),
    "logo-embedded-picture-too-large": (
        "{bad}/files/embedded-bomb.svg:2: branding.logo: the picture embedded in <image> has far more than 4,194,304 pixels (e.g. 2048×2048), the most allowed\n"
        "  hint: embed a smaller or sound picture"
    ),
    "logo-external-entity": (
        "{bad}/files/logo-external-entity.svg:2: branding.logo: logo 'logo-external-entity.svg' declares a DOCTYPE or entities, which a logo may not use\n"
        "  hint: remove the <!DOCTYPE …> declaration; write the content out instead of entities"
    ),
    "logo-fill-url": (
        "{bad}/files/logo-fill-url.svg:2: branding.logo: <rect fill=…> refers to a file outside the logo with url(…)\n"
        "  hint: only url(#id) references to the logo's own parts are allowed"
    ),
    "logo-foreign-object": (
        "{bad}/files/logo-foreign-object.svg:2: branding.logo: <foreignObject> is not allowed in a logo (scripts, foreignObject, links and animations can run code or load files)\n"
        "  hint: remove the element; a logo is a still drawing\n"
        "{bad}/files/logo-foreign-object.svg:3: branding.logo: <div> from the namespace 'http://www.w3.org/1999/xhtml' is not allowed in a logo\n"
        "  hint: keep to SVG elements\n"
        "{bad}/files/logo-foreign-object.svg:3: branding.logo: <iframe> from the namespace 'http://www.w3.org/1999/xhtml' is not allowed in a logo\n"
        "  hint: keep to SVG elements"
    ),
    "logo-html-script": (
        "{bad}/files/logo-html-script.svg:3: branding.logo: <script> from the namespace 'http://www.w3.org/1999/xhtml' is not allowed in a logo\n"
        "  hint: keep to SVG elements"
    ),
    "logo-link": (
        "{bad}/files/logo-link.svg:2: branding.logo: <a> is not allowed in a logo (scripts, foreignObject, links and animations can run code or load files)\n"
        "  hint: remove the element; a logo is a still drawing"
    ),
    "logo-local-file": (
        "{bad}/files/logo-local-file.svg:3: branding.logo: <image> refers to '/etc/jaki/secret.png' outside the logo; a logo may only refer to its own parts (#id) and embed PNG, JPEG, GIF or WebP pictures as data: URIs\n"
        "  hint: embed the picture in the SVG (most editors have an 'embed images' option) or remove the reference"
    ),
    "logo-onload": (
        "{bad}/files/logo-onload.svg:2: branding.logo: <svg> has the event attribute 'onload', which runs code\n"
        "  hint: remove the attribute"
    ),
    "logo-png-too-many-pixels": (
        "{bad}/logo-png-too-many-pixels.yaml:22:9: branding.logo: logo 'huge-pixels.png' is 5000×5000 pixels; at most 4,194,304 pixels (e.g. 2048×2048) are allowed\n"
        "  hint: export the logo again as a PNG file"
    ),
    "logo-png-truncated": (
        "{bad}/logo-png-truncated.yaml:22:9: branding.logo: logo 'truncated.png' is not a complete PNG image: it cannot be decoded\n"
        "  hint: export the logo again as a PNG file"
    ),
    "logo-script": (
        "{bad}/files/logo-script.svg:3: branding.logo: <script> is not allowed in a logo (scripts, foreignObject, links and animations can run code or load files)\n"
        "  hint: remove the element; a logo is a still drawing"
    ),
    "logo-style-import": (
        "{bad}/files/logo-style-import.svg:2: branding.logo: <style> uses '@import', which loads or runs something\n"
        "  hint: remove it from the style"
    ),
    "logo-stylesheet": (
        "{bad}/files/logo-stylesheet.svg:2: branding.logo: logo 'logo-stylesheet.svg' has a processing instruction <?xml-stylesheet …?>, which a logo may not use\n"
        "  hint: remove it (an xml-stylesheet instruction loads outside files)"
    ),
    "logo-use-bomb": (
        "{bad}/files/logo-use-bomb.svg:1: branding.logo: logo 'logo-use-bomb.svg' draws more than 10,000 elements (counting what <use> repeats)\n"
        "  hint: simplify the drawing"
    ),
    "logo-use-cycle": (
        "{bad}/files/logo-use-cycle.svg:1: branding.logo: logo 'logo-use-cycle.svg' has a <use> that repeats itself\n"
        "  hint: remove the circular <use> reference"
    ),
    "logo-use-chain": (
        "{bad}/files/logo-use-chain.svg:1: branding.logo: logo 'logo-use-chain.svg' nests elements and <use> references more than 256 levels deep\n"
        "  hint: simplify the drawing"
    ),
    "yaml-too-deep": (
        "{bad}/yaml-too-deep.yaml:3:75: profile nests values more than 64 levels deep\n"
        "  hint: a profile nests a few levels; check the brackets and indentation"
    ),
    "wrong-type": ("{bad}/wrong-type.yaml:48:15: services[0].sla_days: expected a whole number, found 'five'"),
}


def test_every_bad_profile_has_an_expected_message():
    assert sorted(p.stem for p in BAD.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_library_reports_the_whole_message(name, monkeypatch):
    monkeypatch.chdir(BAD.parent.parent.parent)
    with pytest.raises(ProfileError) as caught:
        load_profile(f"tests/profiles/bad/{name}.yaml")
    assert str(caught.value) == EXPECTED[name].replace("{bad}", "tests/profiles/bad")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_cli_prints_the_message_and_exits_2(name, monkeypatch):
    monkeypatch.chdir(BAD.parent.parent.parent)
    result = CliRunner().invoke(app, ["validate", f"tests/profiles/bad/{name}.yaml"])
    assert result.exit_code == 2
    expected = EXPECTED[name].replace("{bad}", "tests/profiles/bad")
    count = sum(1 for line in expected.splitlines() if not line.startswith("  hint:"))
    tail = f"\n{count} problems found.\n" if count > 1 else "\n"
    assert result.stderr == expected + tail
    assert result.stdout == ""
    assert "Traceback" not in result.output


def test_alias_bomb_is_refused_before_any_python_object_is_built(monkeypatch):
    import yaml

    def refuse(*args, **kwargs):
        raise AssertionError("the alias bomb reached the YAML constructor")

    monkeypatch.setattr(yaml.CSafeLoader, "construct_document", refuse, raising=False)
    monkeypatch.setattr(yaml.SafeLoader, "construct_document", refuse)
    with pytest.raises(ProfileError, match="expands to more than 1,000,000 values"):
        load_profile(BAD / "yaml-alias-bomb.yaml")


def test_a_profile_larger_than_the_limit_is_refused_unread(tmp_path):
    from jaki_forge.profile.yamlsource import MAX_PROFILE_BYTES

    big = tmp_path / "big.yaml"
    big.write_text("# " + "x" * MAX_PROFILE_BYTES + "\n", encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(big)
    assert str(caught.value) == (
        f"{big}: profile is {MAX_PROFILE_BYTES + 3:,} characters long; at most {MAX_PROFILE_BYTES:,} are read\n"
        "  hint: keep large region lists in a CSV file (regions.file)"
    )


@pytest.mark.parametrize("slug", ["con", "prn", "aux", "nul", "com1", "com9", "lpt1", "lpt9"])
def test_reserved_device_names_are_refused_as_slugs(slug):
    from pydantic import ValidationError

    from jaki_forge.profile.model import App

    with pytest.raises(ValidationError, match="Windows reserves for a device"):
        App(name="X", slug=slug, tagline={"id": "x"}, application_id="id.go.x", domain="x.go.id")
    App(name="X", slug=f"{slug}-in", tagline={"id": "x"}, application_id="id.go.x", domain="x.go.id")


def test_messages_never_echo_raw_control_characters_or_foreign_file_content(monkeypatch):
    monkeypatch.chdir(BAD.parent.parent.parent)
    for name in ("control-characters-in-key", "control-characters", "regions-not-csv"):
        result = CliRunner().invoke(app, ["validate", f"tests/profiles/bad/{name}.yaml"])
        assert result.exit_code == 2
        assert not any(ord(char) < 32 and char != "\n" for char in result.stderr), name
        assert "root:x" not in result.stderr


@pytest.mark.parametrize(
    ("contact", "valid"),
    [
        ("pengaduan@bandarlampungkota.go.id", True),
        ("https://lapor.go.id/instansi/x", True),
        ("javascript:alert(1)//@x.id", False),
        ("a@b", False),
        ("<script>@x.id", False),
        ("user@@x.id", False),
    ],
)
def test_contacts_are_checked_by_an_e_mail_validator(contact, valid):
    from pydantic import ValidationError

    from jaki_forge.profile.model import Agency

    make = lambda: Agency(code="X", name="X", level="province", region="18", contact=contact)  # noqa: E731
    if valid:
        assert make().contact == contact
    else:
        with pytest.raises(ValidationError, match="neither an https:// address nor an e-mail address"):
            make()


def test_every_pattern_of_the_schemas_is_explained_in_words():
    """A pattern error never shows a regex: each pattern a model uses has a description in words."""
    import re

    from jaki_forge.fleet.manifest import FleetManifest
    from jaki_forge.profile.model import PATTERN_WORDS, Profile

    def patterns(node) -> set[str]:
        if isinstance(node, dict):
            return {node["pattern"]} if "pattern" in node else set().union(*map(patterns, node.values()), set())
        if isinstance(node, list):
            return set().union(*map(patterns, node), set())
        return set()

    used = patterns(Profile.model_json_schema()) | patterns(FleetManifest.model_json_schema())
    assert used and used <= set(PATTERN_WORDS)
    assert not any(re.search(r"[\\^$\[]", words) for words in PATTERN_WORDS.values())


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        (  # a broken service does not hide an unknown agency in another service
            [("sla_days: 5", "sla_days: 0"), ("agency: PEMKOT-BL", "agency: PEMKOT-X")],
            ["services[0].sla_days", "services[1].agency"],
        ),
        (  # a broken agency does not make the services that name it 'unknown'
            [("kind: dinas", "kind: ministry")],
            ["agencies[0].kind"],
        ),
    ],
)
def test_checks_of_valid_entries_run_beside_a_broken_entry_without_spurious_problems(tmp_path, changes, fields):
    good = Path(__file__).parent / "profiles" / "good"
    text = (good / "minimal.yaml").read_text(encoding="utf-8")
    for old, new in changes:
        text = text.replace(old, new)
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "files").mkdir()
    for name in ("logo.svg", "regions.csv"):
        (tmp_path / "files" / name).write_bytes((good / "files" / name).read_bytes())
    with pytest.raises(ProfileError) as caught:
        load_profile(tmp_path / "p.yaml")
    assert [problem.field for problem in caught.value.problems] == fields
