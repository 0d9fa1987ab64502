"""The generated profile file is complete and consistent."""

from __future__ import annotations

from app.core.profile import Profile


def test_profile_is_consistent(profile: Profile) -> None:
    codes = {r.code for r in profile.regions}
    assert profile.regions[0].code == profile.province.code
    assert profile.regions[0].level == 1
    assert all(r.parent in codes for r in profile.regions[1:])
    agencies = {a.code for a in profile.agencies}
    groups = {g.code for g in profile.groups}
    for service in profile.services:
        assert service.agency in agencies
        assert service.group in groups
        assert service.level in {"province", "regency", "district", "village"}
