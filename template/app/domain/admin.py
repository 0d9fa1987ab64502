"""Administration rules: who manages which officer, API keys, price imports, the audit trail."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import AppError, ForbiddenError, InvalidError, NotFoundError
from app.core.security import hash_password, hash_secret, new_secret
from app.domain import prices, regions
from app.models import AdminEvent, ApiKey, Officer, OfficerRole

PRICE_COLUMNS = ("commodity_code", "region_code", "observed_on", "price")
MAX_IMPORT_ROWS = 5000
MAX_PRICE = 100_000_000


def record(
    session: Session, officer: Officer, *, action: str, target: str, detail: str = ""
) -> AdminEvent:
    """Add an audit event to the session (committed with the change it describes)."""
    event = AdminEvent(
        officer_id=officer.id,
        action=action,
        target=target[:200],
        detail=detail[:500],
        region_code=officer.region_code,
    )
    session.add(event)
    return event


def events_in_scope(session: Session, officer: Officer, *, limit: int = 50) -> list[AdminEvent]:
    """The latest audit events made by officers inside `officer`'s region."""
    stmt = (
        select(AdminEvent)
        .where(regions.contains_clause(officer.region_code, AdminEvent.region_code))
        .order_by(AdminEvent.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def is_province_admin(officer: Officer, province_code: str) -> bool:
    """Whether the officer administers the whole province (API keys, linked apps)."""
    return (
        officer.role == OfficerRole.ADMIN
        and officer.region_code == province_code
        and officer.agency_code is None
    )


def require_admin(officer: Officer) -> None:
    """Refuse officers who are not admins."""
    if officer.role != OfficerRole.ADMIN:
        raise ForbiddenError("Only an admin can manage officers.")


def may_manage(admin: Officer, officer: Officer) -> bool:
    """Whether `admin` manages `officer`: inside the admin's region and agency, and below them.

    Another admin is managed only from a region above theirs; nobody manages themselves.
    """
    if admin.role != OfficerRole.ADMIN or admin.id == officer.id:
        return False
    if not regions.contains(admin.region_code, officer.region_code):
        return False
    if admin.agency_code is not None and officer.agency_code != admin.agency_code:
        return False
    return not (officer.role == OfficerRole.ADMIN and officer.region_code == admin.region_code)


def check_new_officer(
    admin: Officer, *, region_code: str, agency_code: str | None, role: OfficerRole
) -> None:
    """Refuse an officer the admin could not manage afterwards."""
    require_admin(admin)
    if not regions.contains(admin.region_code, region_code):
        raise ForbiddenError(f"Region {region_code} is outside your scope ({admin.region_code}).")
    if admin.agency_code is not None and agency_code != admin.agency_code:
        raise ForbiddenError(f"You can only create officers of agency {admin.agency_code}.")
    if role == OfficerRole.ADMIN and region_code == admin.region_code:
        raise ForbiddenError("A new admin needs a region below your own.")


def managed_officers(session: Session, admin: Officer) -> list[Officer]:
    """Officers inside the admin's region (and agency), by region and name."""
    stmt = select(Officer).where(regions.contains_clause(admin.region_code, Officer.region_code))
    if admin.agency_code is not None:
        stmt = stmt.where(Officer.agency_code == admin.agency_code)
    return list(session.scalars(stmt.order_by(Officer.region_code, Officer.full_name)))


def managed_officer(session: Session, admin: Officer, officer_id: int) -> Officer:
    """An officer the admin manages, or NotFound (officers out of scope are not revealed)."""
    require_admin(admin)
    officer = session.get(Officer, officer_id)
    if officer is None or not may_manage(admin, officer):
        raise NotFoundError(f"Officer {officer_id} does not exist in your scope.")
    return officer


def set_active(session: Session, admin: Officer, officer: Officer, *, active: bool) -> None:
    """Activate or deactivate an officer; deactivation ends their sessions."""
    officer.active = active
    officer.token_version += 1
    record(
        session,
        admin,
        action="officer.activate" if active else "officer.deactivate",
        target=officer.email,
    )
    session.commit()


def reset_password(session: Session, admin: Officer, officer: Officer) -> str:
    """Give the officer a new random password (returned once) and end their sessions."""
    password = new_secret(12)
    officer.password_hash = hash_password(password)
    officer.token_version += 1
    record(session, admin, action="officer.reset_password", target=officer.email)
    session.commit()
    return password


def issue_key(session: Session, admin: Officer, *, name: str) -> str:
    """Issue an Open311 API key; only its digest is stored, the key is returned once."""
    name = name.strip()
    if not name:
        raise InvalidError("Give the key a name: who or which system it is for.")
    key = new_secret(24)
    item = ApiKey(name=name[:200], key_hash=hash_secret(key), prefix=key[:8])
    session.add(item)
    record(session, admin, action="api_key.issue", target=f"{item.prefix}… {item.name}")
    session.commit()
    return key


def revoke_key(session: Session, admin: Officer, key_id: int) -> ApiKey:
    """Revoke an API key (it stops working at once)."""
    item = session.get(ApiKey, key_id)
    if item is None:
        raise NotFoundError(f"API key {key_id} does not exist.")
    item.active = False
    record(session, admin, action="api_key.revoke", target=f"{item.prefix}… {item.name}")
    session.commit()
    return item


@dataclass(frozen=True)
class PriceRow:
    """One checked line of a price import."""

    line: int
    commodity_code: str
    region_code: str
    observed_on: date
    price: int


def parse_price_csv(data: bytes, *, filename: str) -> list[PriceRow]:
    """The rows of a price CSV (`PRICE_COLUMNS` header), or an error naming the line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidError(f"{filename} is not UTF-8 text; save the CSV as UTF-8.") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in PRICE_COLUMNS if name not in header]
    if missing:
        raise InvalidError(
            f"{filename}:1: missing column(s) {', '.join(missing)}; the header must be "
            f"{','.join(PRICE_COLUMNS)}."
        )
    rows = []
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_IMPORT_ROWS:
            raise InvalidError(f"{filename}: more than {MAX_IMPORT_ROWS} rows; split the file.")
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        rows.append(_price_row(row, line=number, filename=filename))
    if not rows:
        raise InvalidError(f"{filename} has a header but no rows.")
    return rows


def _price_row(row: dict[str, str], *, line: int, filename: str) -> PriceRow:
    where = f"{filename}:{line}"
    try:
        observed_on = date.fromisoformat(row["observed_on"])
    except ValueError:
        raise InvalidError(
            f"{where}: observed_on {row['observed_on'][:40]!r} is not a date like 2026-12-01."
        ) from None
    text = row["price"].replace(".", "").replace(",", "")
    if not text.isdigit() or not 0 < int(text) <= MAX_PRICE:
        raise InvalidError(
            f"{where}: price {row['price'][:40]!r} must be whole rupiah between 1 and {MAX_PRICE}."
        )
    return PriceRow(
        line=line,
        commodity_code=row["commodity_code"][:64],
        region_code=row["region_code"][:64],
        observed_on=observed_on,
        price=int(text),
    )


def import_prices(
    session: Session, officer: Officer, rows: list[PriceRow], *, filename: str
) -> int:
    """Record every row or none (an error names the line); returns how many were recorded."""
    try:
        for row in rows:
            try:
                prices.record_price(
                    session,
                    officer,
                    commodity_code=row.commodity_code,
                    region_code=row.region_code,
                    observed_on=row.observed_on,
                    price=row.price,
                    commit=False,
                )
            except AppError as error:
                raise type(error)(f"{filename}:{row.line}: {error.message}") from None
        record(
            session, officer, action="prices.import", target=filename, detail=f"{len(rows)} rows"
        )
        session.commit()
    except Exception:
        session.rollback()
        raise
    return len(rows)
