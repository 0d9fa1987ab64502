"""Delivering forwarded reports to outside agencies (e-mail, signed webhook, Open311 POST)
and reading the status of Open311 forwards back into the province's timeline."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.core.config import ForwardTarget, Settings
from app.core.profile import Profile
from app.domain.catalogue import localise
from app.domain.timeline import unit_names
from app.domain.workflow import record_transition
from app.models import Agency, OutboxMessage, ReportForward, utcnow
from app.outbox import messages, transports
from app.web.context import format_datetime
from app.web.i18n import Translator

logger = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Signature-256"
TIMESTAMP_HEADER = "X-Signature-Timestamp"
EVENT = "report.forwarded"


def target_for(agency: Agency, settings: Settings) -> ForwardTarget:
    """The agency's configured transport, else e-mail to its contact."""
    return settings.forwarding.get(agency.code) or ForwardTarget(transport="email")


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=<hex>`: HMAC-SHA256 of `<timestamp>.<body>` with the shared secret."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def _translator(profile: Profile) -> Translator:
    return Translator(profile.app.languages[0] if profile.app.languages else "id")


def document(
    forward: ReportForward, *, session: Session, settings: Settings, profile: Profile
) -> dict[str, Any]:
    """What the outside agency receives about the report (the reporter only if not anonymous)."""
    report = forward.report
    lang = profile.app.languages[0] if profile.app.languages else "id"
    names = unit_names(session, report)
    reporter = None
    if not report.anonymous:
        reporter = {
            "name": report.contact_name,
            "email": report.contact_email,
            "phone": report.contact_phone,
        }
    base = (settings.public_url or "").rstrip("/")
    return {
        "event": EVENT,
        "source": profile.app.name,
        "tracking_number": report.tracking_number,
        "tracking_url": f"{base}/track/{report.tracking_number}",
        "agency_code": forward.agency_code,
        "service_code": report.service_code,
        "service_name": localise(report.service.name, lang),
        "description": report.description,
        "attributes": report.attributes,
        "region_code": report.region_code,
        "region_name": names.get(report.region_code or ""),
        "address": report.address,
        "lat": report.lat,
        "long": report.long,
        "created_at": report.created_at.isoformat(),
        "reporter": reporter,
    }


def deliver(
    session: Session, message: OutboxMessage, *, settings: Settings, profile: Profile
) -> None:
    """Send one forward with the agency's transport; record when and the remote id."""
    forward = session.get(ReportForward, message.payload.get("forward_id"))
    if forward is None:
        raise messages.Gone("the forward no longer exists")
    agency = session.get(Agency, forward.agency_code)
    if agency is None:
        raise messages.Gone(f"agency {forward.agency_code!r} no longer exists")
    target = target_for(agency, settings)
    data = document(forward, session=session, settings=settings, profile=profile)
    if target.transport == "email":
        _by_email(
            forward, agency, target, data, settings=settings, profile=profile, message=message
        )
    elif target.transport == "webhook":
        forward.remote_id = _by_webhook(target, data, settings=settings)
    else:
        forward.remote_id = _by_open311(forward, target, data, settings=settings, profile=profile)
        forward.remote_status = "open"
    forward.transport = target.transport
    forward.delivered_at = utcnow()
    record_transition(
        forward.report,
        forward.report.status,
        note=_translator(profile)("forward.delivered", agency=agency.name),
        actor=agency.name,
        note_public=True,
    )
    session.commit()


def _by_email(
    forward: ReportForward,
    agency: Agency,
    target: ForwardTarget,
    data: dict[str, Any],
    *,
    settings: Settings,
    profile: Profile,
    message: OutboxMessage,
) -> None:
    address = target.email or (agency.contact if agency.contact and "@" in agency.contact else None)
    if not address:
        raise transports.Undeliverable(
            f"agency {agency.code} has no e-mail contact and no entry in the FORWARDING setting; "
            "add one (e-mail, webhook or open311) and retry from the desk"
        )
    t = _translator(profile)
    reporter = data["reporter"]
    who = (
        t("forward.anonymous")
        if reporter is None
        else ", ".join(
            str(v) for v in (reporter["name"], reporter["email"], reporter["phone"]) if v
        )
    )
    place = ", ".join(
        str(v) for v in (data["address"], data["region_name"], _coordinates(data)) if v
    )
    values = {
        "app": profile.app.name,
        "number": data["tracking_number"],
        "service": data["service_name"],
    }
    text = messages.Text(
        subject=t("forward.mail_subject", **values),
        body=t(
            "forward.mail_body",
            **values,
            province=profile.province.name,
            agency=agency.name,
            created=format_datetime(forward.report.created_at, profile.province.timezone),
            place=place or "—",
            reporter=who or "—",
            description=data["description"],
            url=data["tracking_url"],
        ),
        url=data["tracking_url"],
    )
    mail = messages.email(address, text, message_id=message.id, settings=settings, profile=profile)
    transports.send_email(mail, settings=settings)


def _coordinates(data: dict[str, Any]) -> str | None:
    if data["lat"] is None or data["long"] is None:
        return None
    return f"{data['lat']:.5f}, {data['long']:.5f}"


def _post(url: str, *, settings: Settings, **options: Any) -> httpx.Response:
    try:
        answer = httpx.post(url, timeout=settings.forward_timeout, **options)
    except httpx.HTTPError as error:
        raise transports.TransportError(f"POST {url}: {type(error).__name__}: {error}") from None
    if answer.status_code >= 500 or answer.status_code in (408, 429):
        raise transports.TransportError(f"POST {url}: HTTP {answer.status_code}")
    if answer.status_code >= 400:
        raise transports.Undeliverable(
            f"POST {url}: HTTP {answer.status_code}: {answer.text[:500]}"
        )
    return answer


def _by_webhook(target: ForwardTarget, data: dict[str, Any], *, settings: Settings) -> str | None:
    """POST the JSON document signed with the shared secret; the answer may carry an `id`."""
    if not (target.url and target.secret):
        raise transports.Undeliverable("the webhook transport needs url and secret")
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    answer = _post(
        target.url,
        settings=settings,
        content=body,
        headers={
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(target.secret, timestamp, body),
            "Idempotency-Key": f"forward-{data['tracking_number']}-{data['agency_code']}",
        },
    )
    try:
        found = answer.json().get("id") if answer.content else None
    except (ValueError, AttributeError):
        found = None
    return str(found)[:100] if found else None


def _by_open311(
    forward: ReportForward,
    target: ForwardTarget,
    data: dict[str, Any],
    *,
    settings: Settings,
    profile: Profile,
) -> str:
    """POST a GeoReport v2 service request; the id (or token) it answers is kept."""
    if not (target.url and target.api_key):
        raise transports.Undeliverable("the open311 transport needs url and api_key")
    t = _translator(profile)
    form = {
        "api_key": target.api_key,
        "service_code": target.service_code or data["service_code"],
        "description": t(
            "forward.open311_description",
            description=data["description"],
            app=profile.app.name,
            number=data["tracking_number"],
        ),
    }
    optional = {
        "jurisdiction_id": target.jurisdiction_id,
        "lat": data["lat"],
        "long": data["long"],
        "address_string": data["address"] or data["region_name"],
        "address_id": data["region_code"],
    }
    reporter = data["reporter"] or {}
    optional |= {"email": reporter.get("email"), "phone": reporter.get("phone")}
    if reporter.get("name"):
        optional["first_name"] = reporter["name"]
    form |= {k: str(v) for k, v in optional.items() if v is not None}
    url = target.url.rstrip("/") + "/requests.json"
    answer = _post(
        url,
        settings=settings,
        data=form,
        headers={"Idempotency-Key": f"forward-{forward.id}-{data['tracking_number']}"},
    )
    try:
        first = answer.json()[0]
        remote = first.get("service_request_id") or first.get("token")
    except (ValueError, LookupError, AttributeError, TypeError):
        remote = None
    if not remote:
        raise transports.TransportError(f"POST {url}: the answer names no service_request_id")
    return str(remote)[:100]


def poll_remote_statuses(
    session: Session, *, settings: Settings, profile: Profile, now: datetime | None = None
) -> int:
    """Read the status of open Open311 forwards that are due; a change enters the timeline.

    Returns how many forwards changed. A server that does not answer is tried next time.
    """
    now = now or utcnow()
    due = now - timedelta(seconds=settings.forward_poll_seconds)
    stmt = select(ReportForward).where(
        ReportForward.transport == "open311",
        ReportForward.remote_id.is_not(None),
        or_(ReportForward.remote_status.is_(None), ReportForward.remote_status != "closed"),
        or_(ReportForward.checked_at.is_(None), ReportForward.checked_at < due),
    )
    changed = 0
    for forward in session.scalars(stmt.limit(50)).all():
        agency = session.get(Agency, forward.agency_code)
        target = settings.forwarding.get(forward.agency_code)
        if agency is None or target is None or target.transport != "open311" or not target.url:
            continue
        url = f"{target.url.rstrip('/')}/requests/{forward.remote_id}.json"
        params = {"jurisdiction_id": target.jurisdiction_id} if target.jurisdiction_id else {}
        try:
            answer = httpx.get(url, params=params, timeout=settings.forward_timeout)
            answer.raise_for_status()
            remote = answer.json()[0]
        except (httpx.HTTPError, ValueError, LookupError, AttributeError) as error:
            logger.info("status of forward %s not read: %s", forward.id, error)
            forward.checked_at = now
            session.commit()
            continue
        status = str(remote.get("status") or "")[:32]
        notes = str(remote.get("status_notes") or "").strip() or None
        forward.checked_at = now
        if (status, notes) != (forward.remote_status, forward.remote_notes):
            forward.remote_status, forward.remote_notes = status, notes
            t = _translator(profile)
            shown = t(f"forward.remote.{status}") if status in ("open", "closed") else status
            key = "forward.remote_status_notes" if notes else "forward.remote_status"
            record_transition(
                forward.report,
                forward.report.status,
                note=t(key, agency=agency.name, status=shown, notes=notes or ""),
                actor=agency.name,
                note_public=True,
            )
            changed += 1
        session.commit()
    return changed
