"""The report state machine: allowed transitions, required notes and the audit trail."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.core.errors import ConflictError, InvalidError
from app.models import Officer, Report, ReportStatus, ReportTransition, utcnow

S = ReportStatus

TRANSITIONS: dict[ReportStatus, frozenset[ReportStatus]] = {
    S.MENUNGGU: frozenset({S.KOORDINASI, S.DISPOSISI, S.PROSES, S.DITOLAK}),
    S.KOORDINASI: frozenset({S.DISPOSISI, S.PROSES, S.DITOLAK}),
    S.DISPOSISI: frozenset({S.PROSES, S.DITOLAK}),
    S.PROSES: frozenset({S.SELESAI}),
    S.SELESAI: frozenset(),
    S.DITOLAK: frozenset(),
}
NOTE_REQUIRED: frozenset[ReportStatus] = frozenset({S.KOORDINASI, S.DITOLAK})
OPEN_STATUSES: frozenset[ReportStatus] = frozenset(
    {S.MENUNGGU, S.KOORDINASI, S.DISPOSISI, S.PROSES}
)
CLOSED_STATUSES: frozenset[ReportStatus] = frozenset({S.SELESAI, S.DITOLAK})


def check_transition(current: ReportStatus, target: ReportStatus, *, note: str | None) -> None:
    """Raise ConflictError for a forbidden move, InvalidError for a missing note."""
    allowed = TRANSITIONS[current]
    if target not in allowed:
        options = ", ".join(sorted(s.value for s in allowed)) or "none (the report is closed)"
        raise ConflictError(
            f"A report in status {current.value} cannot move to {target.value}; "
            f"allowed next statuses: {options}."
        )
    if target in NOTE_REQUIRED and not (note and note.strip()):
        raise InvalidError(f"A note is required when moving a report to {target.value}.")


def record_transition(
    report: Report,
    target: ReportStatus,
    *,
    note: str | None,
    actor: str,
    officer: Officer | None = None,
) -> ReportTransition:
    """Append an audit record and set the report's status (no rule checks)."""
    transition = ReportTransition(
        from_status=report.status,
        to_status=target,
        note=note,
        officer_id=officer.id if officer else None,
        actor=actor,
        created_at=utcnow(),
    )
    report.transitions.append(transition)
    report.status = target
    report.updated_at = transition.created_at
    return transition


def transition(
    session: Session, report: Report, *, target: ReportStatus, note: str | None, officer: Officer
) -> ReportTransition:
    """Move `report` to `target` on behalf of `officer`, enforcing the rules."""
    check_transition(report.status, target, note=note)
    record = record_transition(
        report,
        target,
        note=note.strip() if note else None,
        actor=officer.full_name,
        officer=officer,
    )
    if target in CLOSED_STATUSES:
        report.closed_at = record.created_at
        report.closed_by_id = officer.id
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
