"""Service catalogue: search, filter by group, detail with attributes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import CatalogueDep, LangDep
from app.domain.catalogue import checked_service, filter_services, localise
from app.models import Service
from app.schemas.catalogue import (
    AttributePublic,
    AttributeValuePublic,
    ServiceDetail,
    ServicePublic,
)

router = APIRouter(prefix="/services", tags=["catalogue"])


def _public(service: Service, lang: str) -> ServicePublic:
    return ServicePublic(
        code=service.code,
        group=service.group_code,
        kind=service.kind,
        name=localise(service.name, lang),
        description=localise(service.description, lang),
        agency=service.agency_code,
        level=service.level,
        sla_days=service.sla_days,
        keywords=service.keywords,
        url=service.url,
    )


@router.get("", response_model=list[ServicePublic])
def read_services(
    catalogue: CatalogueDep,
    q: Annotated[str | None, Query(max_length=100, description="Words of name/keywords.")] = None,
    group: Annotated[str | None, Query(description="Group code.")] = None,
    kind: Annotated[str | None, Query(description="report, application, ...")] = None,
    lang: LangDep = "id",
) -> list[ServicePublic]:
    """Active services; `q` matches the start of words in names (both languages) and keywords."""
    found = filter_services(catalogue.services, query=q, group=group, kind=kind)
    return [_public(s, lang) for s in found]


@router.get("/{code}", response_model=ServiceDetail)
def read_service(catalogue: CatalogueDep, code: str, lang: LangDep = "id") -> ServiceDetail:
    """A service with its attributes."""
    service = checked_service(catalogue.by_code.get(code), code)
    attributes = [
        AttributePublic(
            code=a["code"],
            datatype=a["datatype"],
            description=localise(a["description"], lang),
            required=a.get("required", False),
            order=a.get("order", 0),
            values=[
                AttributeValuePublic(key=v["key"], name=localise(v["name"], lang))
                for v in a.get("values", [])
            ],
        )
        for a in sorted(service.attributes, key=lambda item: item.get("order", 0))
    ]
    return ServiceDetail(
        **_public(service, lang).model_dump(),
        agency_name=service.agency.name,
        attributes=attributes,
    )
