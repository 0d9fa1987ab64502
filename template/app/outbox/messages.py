"""The texts of outbox messages, rendered when they are sent, from the locale files."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any

from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.profile import Profile
from app.domain.catalogue import localise
from app.domain.timeline import unit_names
from app.models import Officer, OutboxMessage, Report, ReportTransition
from app.outbox import events
from app.web.context import format_datetime
from app.web.i18n import Translator

DIGEST_LIMIT = 50


@dataclass(frozen=True)
class Text:
    """A rendered message: subject, plain-text body and the page it points to."""

    subject: str
    body: str
    url: str


class Gone(Exception):
    """The message's report or officer no longer exists: nothing to send."""


def _link(settings: Settings, path: str) -> str:
    base = (settings.public_url or "").rstrip("/")
    return f"{base}{path}"


def render(
    session: Session, message: OutboxMessage, *, settings: Settings, profile: Profile
) -> Text:
    """The subject and body of `message` in the province's first language."""
    lang = profile.app.languages[0] if profile.app.languages else "id"
    t = Translator(lang)
    app_name = profile.app.name
    zone = profile.province.timezone
    if message.topic == events.OVERDUE_DIGEST:
        return _digest(session, message, settings=settings, t=t, app_name=app_name, zone=zone)
    report = session.get(Report, message.report_id) if message.report_id else None
    if report is None:
        raise Gone(f"report {message.report_id} no longer exists")
    number = report.tracking_number
    service = localise(report.service.name, lang)
    track = _link(settings, f"/track/{number}")
    values: dict[str, Any] = {"app": app_name, "number": number, "service": service}
    if message.topic == events.REPORT_FILED:
        return Text(
            subject=t("mail.filed_subject", **values),
            body=t(
                "mail.filed_body", **values, status=t(f"status.{report.status.value}"), url=track
            ),
            url=track,
        )
    if message.topic == events.REPORT_MOVED:
        step = session.get(ReportTransition, message.payload.get("transition_id"))
        if step is None:
            raise Gone("the move no longer exists")
        status = t(f"status.{step.to_status.value}")
        lines = [
            t(
                "mail.moved_body",
                **values,
                status=status,
                when=format_datetime(step.created_at, zone),
            )
        ]
        if step.note and step.note_public:
            lines.append(t("mail.moved_note", note=step.note))
        if step.moved_unit:
            names = unit_names(session, report)
            lines.append(t("track.handed_to", unit=names.get(step.to_agency_code or "", "")))
        lines.append(t("mail.track_link", url=track))
        return Text(
            subject=t("mail.moved_subject", **values, status=status),
            body="\n\n".join(lines),
            url=track,
        )
    if message.topic == events.UNIT_RECEIVED:
        desk = _link(settings, f"/desk/reports/{number}")
        names = unit_names(session, report)
        unit = names.get(report.handling_agency_code, report.handling_agency_code)
        region = names.get(report.handling_region_code, report.handling_region_code)
        return Text(
            subject=t("mail.unit_subject", **values),
            body=t(
                "mail.unit_body",
                **values,
                unit=f"{unit} · {region}",
                due=format_datetime(report.due_at, zone),
                url=desk,
            ),
            url=desk,
        )
    raise Gone(f"unknown topic {message.topic!r}")


def _digest(
    session: Session,
    message: OutboxMessage,
    *,
    settings: Settings,
    t: Translator,
    app_name: str,
    zone: str,
) -> Text:
    from app.domain.reports import visible_reports

    officer = session.get(Officer, message.payload.get("officer_id"))
    if officer is None or not officer.active:
        raise Gone("the supervisor no longer exists or was deactivated")
    stmt = (
        visible_reports(officer)
        .where(Report.status.in_(events.OPEN), Report.due_at < message.created_at)
        .order_by(Report.due_at)
    )
    overdue = list(session.scalars(stmt.limit(DIGEST_LIMIT + 1)).unique())
    lines = [t("mail.digest_body", name=officer.full_name, count=len(overdue[:DIGEST_LIMIT]))]
    for report in overdue[:DIGEST_LIMIT]:
        lines.append(
            t(
                "mail.digest_line",
                number=report.tracking_number,
                status=t(f"status.{report.status.value}"),
                due=format_datetime(report.due_at, zone),
                url=_link(settings, f"/desk/reports/{report.tracking_number}"),
            )
        )
    if len(overdue) > DIGEST_LIMIT:
        lines.append(t("mail.digest_more", url=_link(settings, "/desk?overdue=yes")))
    desk = _link(settings, "/desk?overdue=yes")
    return Text(
        subject=t("mail.digest_subject", app=app_name, day=message.payload.get("day", "")),
        body="\n".join(lines),
        url=desk,
    )


def email(
    recipient: str, text: Text, *, message_id: int, settings: Settings, profile: Profile
) -> EmailMessage:
    """`text` as an e-mail to `recipient` (outbox message `message_id`)."""
    mail = EmailMessage()
    mail["Subject"] = text.subject
    mail["From"] = formataddr((profile.app.name, settings.mail_from))
    mail["To"] = recipient
    mail["Message-ID"] = make_msgid(idstring=f"outbox-{message_id}")
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(text.body + "\n")
    return mail
