"""The desk's view of the notification outbox: what waits, what failed and why, retry now."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy import Select, select

from app.core.errors import ForbiddenError, NotFoundError
from app.domain.reports import visible_reports
from app.models import OfficerRole, OutboxMessage, OutboxState, Report
from app.outbox.store import retry_now, state_counts
from app.web.context import CheckedForm, Web, WebContext, WebRoute

router = APIRouter(prefix="/desk/outbox", route_class=WebRoute, include_in_schema=False)
SHOWN = 100


def _messages(web: WebContext) -> Select[tuple[OutboxMessage]]:
    """SELECT of the messages the officer may see: all for admins, else those in scope."""
    officer = web.require_officer()
    if not web.is_supervisor:
        raise ForbiddenError(web.t("outbox.needs_supervisor"))
    stmt = select(OutboxMessage)
    if officer.role != OfficerRole.ADMIN:
        ids = visible_reports(officer).with_only_columns(Report.id)
        stmt = stmt.where(OutboxMessage.report_id.in_(ids))
    return stmt


@router.get("")
def outbox(web: Web) -> Response:
    """Messages waiting or given up first, then the latest sent ones."""
    stmt = _messages(web)
    waiting = list(
        web.session.scalars(
            stmt.where(OutboxMessage.state != OutboxState.SENT.value)
            .order_by(OutboxMessage.id.desc())
            .limit(SHOWN)
        )
    )
    sent = list(
        web.session.scalars(
            stmt.where(OutboxMessage.state == OutboxState.SENT.value)
            .order_by(OutboxMessage.id.desc())
            .limit(20)
        )
    )
    return web.render(
        "desk/outbox.html",
        counts=state_counts(web.session),
        waiting=waiting,
        sent=sent,
        retried=web.request.query_params.get("retried") == "1",
    )


@router.post("/{message_id}/retry")
def retry(web: Web, message_id: int, form: CheckedForm) -> Response:
    """Send a waiting or failed message at the next round."""
    stmt = _messages(web).where(OutboxMessage.id == message_id)
    message = web.session.scalars(stmt).first()
    if message is None:
        raise NotFoundError(web.t("outbox.not_found"))
    retry_now(web.session, message)
    return web.redirect("/desk/outbox?retried=1")
