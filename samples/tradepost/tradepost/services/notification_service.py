"""E-mails to customers, from templates stored in the database."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from string import Template

from tradepost.config import get_settings
from tradepost.db import SessionLocal
from tradepost.models import EmailTemplate, Notification
from tradepost.utils.dates import utcnow

SENDER = "shop@tradepost.example"


def render_template(key: str, context: dict[str, str]) -> tuple[str, str]:
    with SessionLocal() as session:
        template = session.query(EmailTemplate).filter(EmailTemplate.key == key).one()
    return (Template(template.subject).safe_substitute(context),
            Template(template.body).safe_substitute(context))


def send_email(recipient: str, key: str, context: dict[str, str]) -> None:
    subject, body = render_template(key, context)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = SENDER, recipient, subject
    message.set_content(body)
    with smtplib.SMTP(get_settings().smtp_host) as smtp:
        smtp.send_message(message)
    with SessionLocal() as session:
        session.add(Notification(recipient=recipient, template_key=key, sent_at=utcnow()))
        session.commit()


def notify_order_placed(email: str, order_id: int) -> None:
    send_email(email, "order-placed", {"order": str(order_id)})


def notify_shipped(email: str, tracking_number: str) -> None:
    send_email(email, "order-shipped", {"tracking": tracking_number})
