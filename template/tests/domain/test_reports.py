"""Routing to the handling unit, forwarding outside the province's authority, officer scope."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.errors import InvalidError
from app.core.profile import Profile
from app.domain import regions
from app.domain.catalogue import get_service
from app.domain.reports import NewReport, file_report, officer_can_see, route
from app.domain.storage import LocalStorage
from app.models import Officer, OfficerRole, Report, ReportSource
from tests.conftest import Places


def _route(session: Session, service_code: str, region_code: str | None, province: str):
    location = regions.get_region(session, region_code) if region_code else None
    return route(session, get_service(session, service_code), location=location, province=province)


def test_service_level_picks_the_ancestor(session: Session, places: Places) -> None:
    province = places.province.code
    village = places.village.code
    assert _route(session, "ZZ-TEST-VILLAGE", village, province).region.code == village
    assert (
        _route(session, "ZZ-TEST-DISTRICT", village, province).region.code == places.district.code
    )
    assert _route(session, "ZZ-TEST-REGENCY", village, province).region.code == places.regency.code
    assert _route(session, "ZZ-TEST-PROVINCE", village, province).region.code == province


def test_agency_is_the_services_agency(session: Session, places: Places) -> None:
    handling = _route(session, "ZZ-TEST-REGENCY", places.village.code, places.province.code)
    assert handling.agency.code == "ZZ-TEST-OTHER"
    assert handling.outside_authority is False


def test_location_above_the_level_stays_where_it_is(session: Session, places: Places) -> None:
    handling = _route(session, "ZZ-TEST-VILLAGE", places.regency.code, places.province.code)
    assert handling.region.code == places.regency.code


def test_no_location_goes_to_the_province(session: Session, places: Places) -> None:
    handling = _route(session, "ZZ-TEST-VILLAGE", None, places.province.code)
    assert handling.region.code == places.province.code


def test_external_agency_is_outside_authority(session: Session, places: Places) -> None:
    handling = _route(session, "ZZ-TEST-LUAR", places.village.code, places.province.code)
    assert handling.outside_authority is True
    assert handling.agency.code == "ZZ-TEST-LUAR"


def test_every_profile_report_service_routes_inside_the_province(
    session: Session, profile: Profile, places: Places
) -> None:
    for service in profile.services:
        if service.kind not in {"report", "application"}:
            continue
        handling = _route(session, service.code, places.village.code, places.province.code)
        assert regions.contains(places.province.code, handling.region.code)
        assert regions.contains(handling.region.code, places.village.code)
        assert handling.agency.code == service.agency


def test_scope_rules(places: Places) -> None:
    report = Report(handling_region_code=places.village.code, handling_agency_code="ZZ-TEST-DINAS")

    def officer(region: str, agency: str | None = None) -> Officer:
        return Officer(region_code=region, agency_code=agency, role=OfficerRole.OPERATOR)

    assert officer_can_see(officer(places.village.code), report)
    assert officer_can_see(officer(places.district.code), report)
    assert officer_can_see(officer(places.province.code), report)
    assert officer_can_see(officer(places.province.code, "ZZ-TEST-DINAS"), report)
    assert not officer_can_see(officer(places.province.code, "ZZ-TEST-OTHER"), report)
    if places.other_regency is not None:
        assert not officer_can_see(officer(places.other_regency.code), report)


@pytest.mark.parametrize("source", [ReportSource.API, ReportSource.WEB])
def test_guest_reports_need_a_contact_on_api_and_web(
    session: Session,
    settings: Settings,
    test_profile: Profile,
    places: Places,
    tmp_path: Path,
    source: ReportSource,
) -> None:
    def data(**contact: str) -> NewReport:
        return NewReport(
            service_code="ZZ-TEST-DISTRICT",
            description="Uji sumber laporan",
            region_code=places.village.code,
            source=source,
            **contact,
        )

    storage = LocalStorage(tmp_path)
    with pytest.raises(InvalidError, match="give a contact e-mail or phone number"):
        file_report(session, data(), settings=settings, profile=test_profile, storage=storage)
    filed = file_report(
        session,
        data(contact_phone="0812000000"),
        settings=settings,
        profile=test_profile,
        storage=storage,
    )
    assert filed.report.source == source.value
    assert filed.access_code


def test_unknown_source_is_refused(
    session: Session, settings: Settings, test_profile: Profile, places: Places, tmp_path: Path
) -> None:
    data = NewReport(
        service_code="ZZ-TEST-DISTRICT",
        description="Uji",
        region_code=places.village.code,
        contact_email="a@b.id",
        source="fax",
    )
    with pytest.raises(
        InvalidError, match=r"^Unknown report source 'fax'; use one of: api, web, open311\.$"
    ):
        file_report(
            session, data, settings=settings, profile=test_profile, storage=LocalStorage(tmp_path)
        )
