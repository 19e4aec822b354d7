"""Transactional e-mail: render a template, record it in the outbox, hand it to a worker."""

from __future__ import annotations

import smtplib
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from sqlalchemy.orm import Session

from shopfront.config import get_settings
from shopfront.utils.logs import get_logger
from shopfront.utils.text import mask_email

from ..models import EmailTemplate, NotificationLog
from ..repositories import notification_repo
from . import email_renderer

log = get_logger(__name__)


class TemplateMissing(LookupError):
    pass


def queue_email(template_code: str, recipient: str, context: Mapping[str, Any],
                customer_id: int | None = None, locale: str = "en") -> int:
    """Render now, send later: returns the outbox id."""
    template = notification_repo.get_template(template_code, locale)
    if template is None:
        raise TemplateMissing(f"{template_code}/{locale}")
    rendered = email_renderer.render(template, context, locale)
    log_id = notification_repo.log_notification(template_code, recipient, rendered.subject,
                                                rendered.body_html, rendered.body_text,
                                                customer_id=customer_id)
    # imported here: the task module imports this one
    from shopfront.tasks.email_tasks import deliver_email

    deliver_email.delay(log_id)
    log.info("queued %s for %s", template_code, mask_email(recipient))
    return log_id


def deliver(log_id: int) -> bool:
    """Send one outbox entry; failures are recorded, not raised."""
    entry = notification_repo.get_notification(log_id)
    if entry is None or entry["status"] != "queued":
        return False
    try:
        send_email(entry["recipient"], entry["subject"], entry["body_text"], entry["body_html"])
    except (OSError, smtplib.SMTPException) as exc:
        notification_repo.mark_sent(log_id, error=str(exc)[:255])
        return False
    notification_repo.mark_sent(log_id)
    return True


def send_email(recipient: str, subject: str, body_text: str, body_html: str | None = None) -> None:
    settings = get_settings()
    message = EmailMessage()
    message["From"] = settings.mail_sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="shopfront.example")
    message.set_content(body_text)
    if body_html:
        message.add_alternative(body_html, subtype="html")
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        smtp.send_message(message)


def send_internal_alert(subject: str, lines: Sequence[str]) -> None:
    """Plain-text mail to the operations team; not recorded in the outbox."""
    send_email(get_settings().ops_email, f"[shopfront] {subject}", "\n".join(lines))


def save_template(session: Session, code: str, locale: str, subject: str, body_html: str,
                  body_text: str = "") -> EmailTemplate:
    template = session.query(EmailTemplate).filter_by(code=code, locale=locale).one_or_none()
    if template is None:
        template = EmailTemplate(code=code, locale=locale)
    template.subject = subject
    template.body_html = body_html
    template.body_text = body_text
    session.add(template)
    return template


def history_for_customer(session: Session, customer_id: int, limit: int = 50) -> list[NotificationLog]:
    return (
        session.query(NotificationLog)
        .filter(NotificationLog.customer_id == customer_id)
        .order_by(NotificationLog.created_at.desc())
        .limit(limit)
        .all()
    )
