"""Create or update reference data (regions, catalogue, commodities, apps) from the profile."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from app.core.profile import Profile
from app.domain.catalogue_cache import mark_catalogue_changed
from app.domain.regions import REGIONS
from app.domain.text import normalise, search_keys
from app.models import (
    Agency,
    AppMeta,
    Base,
    Commodity,
    Integration,
    Region,
    RegionSearchKey,
    Service,
    ServiceGroup,
)

PROFILE_HASH_KEY = "profile_sha256"
_CHUNK = 500
_REGION_FIELDS = ("parent_code", "level", "kind", "name", "postal_code", "active")


@dataclass
class SeedResult:
    """Counts of rows inserted, updated and deactivated per table."""

    inserted: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    deactivated: dict[str, int] = field(default_factory=dict)

    def record(self, table: str, *, inserted: int, updated: int, deactivated: int) -> None:
        """Store the counts for `table`."""
        self.inserted[table] = inserted
        self.updated[table] = updated
        self.deactivated[table] = deactivated


def profile_hash(profile: Profile) -> str:
    """A stable digest of the profile, to skip seeding when nothing changed."""
    return hashlib.sha256(profile.model_dump_json().encode("utf-8")).hexdigest()


def seeded_hash(session: Session) -> str | None:
    """The digest of the profile last seeded into this database."""
    meta = session.get(AppMeta, PROFILE_HASH_KEY)
    return meta.value if meta else None


def seed_database(session: Session, profile: Profile) -> SeedResult:
    """Upsert every profile-derived table; rows no longer in the profile are deactivated."""
    result = SeedResult()
    _seed_regions(session, profile, result)
    _upsert(session, ServiceGroup, _group_rows(profile), result)
    _upsert(session, Agency, _agency_rows(profile), result)
    session.flush()
    _upsert(session, Service, _service_rows(profile), result)
    _upsert(session, Commodity, _commodity_rows(profile), result)
    _upsert(session, Integration, _integration_rows(profile), result)
    mark_catalogue_changed(session)
    meta = session.get(AppMeta, PROFILE_HASH_KEY)
    if meta is None:
        session.add(AppMeta(key=PROFILE_HASH_KEY, value=profile_hash(profile)))
    else:
        meta.value = profile_hash(profile)
    session.commit()
    return result


def _text(value: Any) -> dict[str, str]:
    return {"id": value.id, "en": value.en or value.id}


def _group_rows(profile: Profile) -> list[dict[str, Any]]:
    return [
        {"code": g.code, "name": _text(g.name), "icon": g.icon, "position": index}
        for index, g in enumerate(profile.groups)
    ]


def _agency_rows(profile: Profile) -> list[dict[str, Any]]:
    return [
        {
            "code": a.code,
            "name": a.name,
            "kind": a.kind,
            "level": a.level,
            "region_code": a.region,
            "external": a.external,
            "contact": a.contact,
        }
        for a in profile.agencies
    ]


def _service_rows(profile: Profile) -> list[dict[str, Any]]:
    rows = []
    for index, s in enumerate(profile.services):
        texts = [s.code, s.name.id, s.name.en or "", *s.keywords]
        rows.append(
            {
                "code": s.code,
                "group_code": s.group,
                "kind": s.kind,
                "name": _text(s.name),
                "description": _text(s.description),
                "agency_code": s.agency,
                "level": s.level,
                "sla_days": s.sla_days,
                "keywords": list(s.keywords),
                "url": s.url,
                "attributes": [a.model_dump() for a in s.attributes],
                "search_text": normalise(" ".join(texts)),
                "position": index,
            }
        )
    return rows


def _commodity_rows(profile: Profile) -> list[dict[str, Any]]:
    return [
        {"code": c.code, "name": _text(c.name), "unit": c.unit, "position": index}
        for index, c in enumerate(profile.commodities)
    ]


def _integration_rows(profile: Profile) -> list[dict[str, Any]]:
    return [
        {
            "code": i.code,
            "name": i.name,
            "url": i.url,
            "icon": i.icon,
            "audience": i.audience,
            "description": _text(i.description),
            "position": index,
        }
        for index, i in enumerate(profile.integrations)
    ]


def _upsert(
    session: Session, model: type[Base], rows: Sequence[dict[str, Any]], result: SeedResult
) -> None:
    """Insert or update small reference tables keyed by `code`."""
    existing = {obj.code: obj for obj in session.scalars(select(model))}  # type: ignore[attr-defined]
    inserted = updated = deactivated = 0
    wanted = set()
    for row in rows:
        wanted.add(row["code"])
        obj = existing.get(row["code"])
        if obj is None:
            session.add(model(**row, active=True))
            inserted += 1
            continue
        changed = False
        for key, value in {**row, "active": True}.items():
            if getattr(obj, key) != value:
                setattr(obj, key, value)
                changed = True
        updated += changed
    for code, obj in existing.items():
        if code not in wanted and obj.active:
            obj.active = False
            deactivated += 1
    result.record(model.__tablename__, inserted=inserted, updated=updated, deactivated=deactivated)


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def seed_regions(session: Session, entries: Iterable[dict[str, Any]]) -> tuple[int, int, int]:
    """Bulk upsert regions given as dicts with code, parent_code, level, kind, name, postal_code.

    Returns (inserted, updated, deactivated); regions missing from `entries` are deactivated.
    """
    # bulk statements pass no ORM flush: caches of region look-ups learn of the change here
    REGIONS.mark(session)
    columns = [getattr(Region, name) for name in ("code", *_REGION_FIELDS)]
    existing = {row[0]: tuple(row[1:]) for row in session.execute(select(*columns))}
    new_rows: list[dict[str, Any]] = []
    changed_rows: list[dict[str, Any]] = []
    renamed: list[str] = []
    wanted: set[str] = set()
    for entry in entries:
        row = {"code": entry["code"], **{name: entry.get(name) for name in _REGION_FIELDS}}
        row["active"] = True
        wanted.add(row["code"])
        current = existing.get(row["code"])
        values = tuple(row[name] for name in _REGION_FIELDS)
        if current is None:
            new_rows.append(row)
        elif current != values:
            changed_rows.append(row)
            if current[_REGION_FIELDS.index("name")] != row["name"]:
                renamed.append(row["code"])
    gone = [code for code, values in existing.items() if code not in wanted and values[-1]]
    for chunk in _chunks(new_rows):
        session.execute(insert(Region), list(chunk))
    for chunk in _chunks(changed_rows):
        session.execute(update(Region), list(chunk))
    for chunk in _chunks(gone):
        session.execute(update(Region).where(Region.code.in_(chunk)).values(active=False))
    for chunk in _chunks(renamed):
        session.execute(delete(RegionSearchKey).where(RegionSearchKey.region_code.in_(chunk)))
    names = {row["code"]: row["name"] for row in new_rows}
    names.update({row["code"]: row["name"] for row in changed_rows if row["code"] in renamed})
    keys = [
        {"key": key, "region_code": code}
        for code, name in names.items()
        for key in search_keys(name)
    ]
    for chunk in _chunks(keys, 2000):
        session.execute(insert(RegionSearchKey), list(chunk))
    return len(new_rows), len(changed_rows), len(gone)


def _seed_regions(session: Session, profile: Profile, result: SeedResult) -> None:
    entries = (
        {
            "code": r.code,
            "parent_code": r.parent,
            "level": r.level,
            "kind": r.kind,
            "name": r.name,
            "postal_code": r.postal_code,
        }
        for r in profile.regions
    )
    inserted, updated, deactivated = seed_regions(session, entries)
    result.record("regions", inserted=inserted, updated=updated, deactivated=deactivated)
