"""Sending one message: SMTP e-mail and web push (forwards to agencies live in `forwarding`)."""

from __future__ import annotations

import json
import smtplib
import ssl
from email.message import EmailMessage
from typing import Any

from app.core.config import Settings


class TransportError(Exception):
    """A delivery failed and may succeed later (the message is retried with back-off)."""


class Undeliverable(Exception):
    """A delivery can never succeed (e.g. the push subscription is gone): do not retry."""


def send_email(mail: EmailMessage, *, settings: Settings) -> None:
    """Hand `mail` to the SMTP server of the settings."""
    if not settings.smtp_host:
        raise TransportError("SMTP_HOST is not set; the e-mail waits in the outbox")
    try:
        if settings.smtp_security == "ssl":
            context = ssl.create_default_context()
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.smtp_host,
                settings.smtp_port,
                timeout=settings.smtp_timeout,
                context=context,
            )
        else:
            client = smtplib.SMTP(
                settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout
            )
        with client:
            if settings.smtp_security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.smtp_username:
                client.login(settings.smtp_username, settings.smtp_password or "")
            client.send_message(mail)
    except smtplib.SMTPRecipientsRefused as error:
        raise Undeliverable(f"the mail server refused the recipient: {error.recipients}") from None
    except (OSError, smtplib.SMTPException) as error:
        raise TransportError(
            f"SMTP {settings.smtp_host}:{settings.smtp_port}: {type(error).__name__}: {error}"
        ) from None


def send_push(
    subscription: dict[str, Any], data: dict[str, Any], *, private_pem: bytes, subject: str
) -> None:
    """Send `data` to one browser push subscription, signed with the VAPID key."""
    from py_vapid import Vapid
    from pywebpush import WebPushException, webpush

    try:
        webpush(
            subscription_info=subscription,
            data=json.dumps(data),
            vapid_private_key=Vapid.from_pem(private_pem),
            vapid_claims={"sub": subject},
            timeout=10,
        )
    except WebPushException as error:
        status = getattr(error.response, "status_code", None)
        if status in (404, 410):
            raise Undeliverable(f"the push subscription is gone ({status})") from None
        raise TransportError(f"web push: {error}") from None
