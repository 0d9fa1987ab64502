"""The report state machine: allowed transitions, required notes, handovers and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.core.errors import ConflictError, InvalidError
from app.domain import regions
from app.models import (
    Agency,
    Officer,
    Region,
    Report,
    ReportForward,
    ReportStatus,
    ReportTransition,
    utcnow,
)
from app.outbox import events

S = ReportStatus

TRANSITIONS: dict[ReportStatus, frozenset[ReportStatus]] = {
    S.MENUNGGU: frozenset({S.KOORDINASI, S.DISPOSISI, S.PROSES, S.DITOLAK}),
    S.KOORDINASI: frozenset({S.DISPOSISI, S.PROSES, S.DITOLAK}),
    S.DISPOSISI: frozenset({S.PROSES, S.DITOLAK}),
    S.PROSES: frozenset({S.SELESAI}),
    S.SELESAI: frozenset(),
    S.DITOLAK: frozenset(),
}
NOTE_REQUIRED: frozenset[ReportStatus] = frozenset({S.KOORDINASI, S.SELESAI, S.DITOLAK})
# Selesai needs an officer's photo of the finished work; Ditolak's reason is always public
EVIDENCE_REQUIRED: frozenset[ReportStatus] = frozenset({S.SELESAI})
ALWAYS_PUBLIC_NOTE: frozenset[ReportStatus] = frozenset({S.DITOLAK, S.SELESAI})
OPEN_STATUSES: frozenset[ReportStatus] = frozenset(
    {S.MENUNGGU, S.KOORDINASI, S.DISPOSISI, S.PROSES}
)
CLOSED_STATUSES: frozenset[ReportStatus] = frozenset({S.SELESAI, S.DITOLAK})
# Koordinasi hands a report to another agency; Disposisi hands it down to a unit below.
HANDOVER_STATUSES: frozenset[ReportStatus] = frozenset({S.KOORDINASI, S.DISPOSISI})


@dataclass(frozen=True)
class Handover:
    """The unit a report is handed to: an agency in a region."""

    agency: Agency
    region: Region


def forward_record(agency: Agency, *, now: datetime) -> ReportForward:
    """The forward of a report to `agency`, an agency outside the province's authority."""
    return ReportForward(
        agency_code=agency.code,
        contact=agency.contact,
        note=f"Outside the province's authority; forwarded to {agency.name}.",
        created_at=now,
    )


def check_transition(current: ReportStatus, target: ReportStatus, *, note: str | None) -> None:
    """Raise ConflictError for a forbidden move, InvalidError for a missing note."""
    allowed = TRANSITIONS[current]
    if target not in allowed:
        options = ", ".join(sorted(s.value for s in allowed)) or "none (the report is closed)"
        raise ConflictError(
            f"A report in status {current.value} cannot move to {target.value}; "
            f"allowed next statuses: {options}.",
            key="move_forbidden",
            current=current.value,
            target=target.value,
            options=options,
        )
    if target in NOTE_REQUIRED and not (note and note.strip()):
        raise InvalidError(
            f"A note is required when moving a report to {target.value}.",
            key="note_required",
            status=target.value,
        )


def check_handover(
    session: Session,
    report: Report,
    target: ReportStatus,
    *,
    agency_code: str | None = None,
    region_code: str | None = None,
) -> Handover | None:
    """The unit `report` is handed to with this move, or None when it stays where it is.

    Koordinasi may name any active agency (and optionally a region of the province);
    Disposisi may name a region equal to or below the current handling region, and an agency.
    """
    agency_code = (agency_code or "").strip() or None
    region_code = (region_code or "").strip() or None
    if agency_code is None and region_code is None:
        return None
    if target not in HANDOVER_STATUSES:
        raise InvalidError(
            f"Only a move to Koordinasi or Disposisi can hand a report to another agency or "
            f"region; a move to {target.value} keeps the current handling unit."
        )
    agency = report.handling_agency
    if agency_code is not None:
        found = session.get(Agency, agency_code)
        if found is None or not found.active:
            raise InvalidError(
                f"Agency {agency_code!r} does not exist; choose one of the active agencies."
            )
        agency = found
    current = regions.get_region(session, report.handling_region_code)
    region = current
    if region_code is not None:
        found_region = session.get(Region, region_code)
        if found_region is None or not found_region.active:
            raise InvalidError(f"Region {region_code!r} does not exist.")
        region = found_region
        province = regions.ancestor_at_level(session, current, level=regions.LEVELS["province"])
        if not regions.contains(province.code, region.code):
            raise InvalidError(f"Region {region.code!r} is outside this province.")
        if target == S.DISPOSISI and not regions.contains(current.code, region.code):
            raise InvalidError(
                f"Disposisi hands a report down: region {region.code!r} ({region.name}) is not "
                f"the current handling region {current.code!r} ({current.name}) or a region "
                f"below it."
            )
    return Handover(agency=agency, region=region)


def record_transition(
    report: Report,
    target: ReportStatus,
    *,
    note: str | None,
    actor: str,
    officer: Officer | None = None,
    handover: Handover | None = None,
    note_public: bool = False,
) -> ReportTransition:
    """Append an audit record, set the status and apply `handover` (no rule checks)."""
    now = utcnow()
    first = report.status is None
    from_agency, from_region = report.handling_agency_code, report.handling_region_code
    if handover is not None:
        _hand_over(report, handover, now=now)
    transition = ReportTransition(
        from_status=report.status,
        to_status=target,
        note=note,
        officer_id=officer.id if officer else None,
        actor=actor,
        created_at=now,
        from_agency_code=None if first else from_agency,
        from_region_code=None if first else from_region,
        to_agency_code=report.handling_agency_code,
        to_region_code=report.handling_region_code,
        note_public=bool(note) and (note_public or target in ALWAYS_PUBLIC_NOTE),
    )
    report.transitions.append(transition)
    report.status = target
    report.updated_at = transition.created_at
    return transition


def _hand_over(report: Report, handover: Handover, *, now: datetime) -> None:
    """Give `report` to the handover's unit; a new external agency gets a forward record."""
    agency_changed = handover.agency.code != report.handling_agency_code
    report.handling_agency = handover.agency
    report.handling_agency_code = handover.agency.code
    report.handling_region_code = handover.region.code
    report.outside_authority = handover.agency.external
    if agency_changed and handover.agency.external:
        report.forwards.append(forward_record(handover.agency, now=now))


def transition(
    session: Session,
    report: Report,
    *,
    target: ReportStatus,
    note: str | None,
    officer: Officer,
    agency_code: str | None = None,
    region_code: str | None = None,
    note_public: bool = False,
) -> ReportTransition:
    """Move `report` to `target` on behalf of `officer`, enforcing the rules.

    Koordinasi and Disposisi may also hand the report to another unit (`agency_code`,
    `region_code`, see `check_handover`); the officer's scope is checked by the caller.
    `note_public` shows the note on the public tracking page (always for Ditolak and
    Selesai); Selesai takes the evidence photos uploaded before it (see `add_evidence`).
    """
    check_transition(report.status, target, note=note)
    pending = [item for item in report.evidence if item.transition_id is None]
    if target in EVIDENCE_REQUIRED and not pending:
        raise InvalidError(
            f"A photo of the finished work is required when moving a report to {target.value}; "
            "attach one with the move.",
            key="evidence_required",
            status=target.value,
        )
    handover = check_handover(
        session, report, target, agency_code=agency_code, region_code=region_code
    )
    record = record_transition(
        report,
        target,
        note=note.strip() if note else None,
        actor=officer.full_name,
        officer=officer,
        handover=handover,
        note_public=note_public,
    )
    if target in EVIDENCE_REQUIRED:
        for item in pending:
            item.transition = record
    if target in CLOSED_STATUSES:
        report.closed_at = record.created_at
        report.closed_by_id = officer.id
    events.report_moved(session, report, record)
    session.commit()
    return record


def verify_closure(session: Session, report: Report, *, supervisor: Officer) -> Report:
    """Confirm a Selesai report; each report is verified once."""
    if report.status != S.SELESAI:
        raise ConflictError(
            f"Only a report in status Selesai can be verified; this one is {report.status.value}."
        )
    if report.verified_at is not None:
        raise ConflictError("This report's closure has already been verified.")
    report.verified_by_id = supervisor.id
    report.verified_at = utcnow()
    session.commit()
    return report
