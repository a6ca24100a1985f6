"""Sending e-mail: queued as a job so no request waits on an SMTP server, retried when the
server is down, and nothing at all when no server is configured (MAIL_SERVER unset).

The message is written when it is queued, in the reader's language, so the job only
delivers it. Its Message-ID is the job's, so a retry after a lost reply cannot reach the
reader as two different mails.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from flask import current_app
from flask_babel import get_locale

from shop.jobs import RunningJob, job_kind, start_job
from shop.models import Job

MAX_SUBJECT = 200


def mail_configured() -> bool:
    """True when this server can send e-mail; pages that would promise one ask first."""
    config = current_app.config
    return bool(config.get("MAIL_SERVER") and config.get("MAIL_DEFAULT_SENDER"))


def send_mail(
    to: str,
    subject: str,
    text: str,
    *,
    locale: str | None = None,
    shop_id: int | None = None,
    user_id: int | None = None,
) -> Job | None:
    """Queue an e-mail to `to`; None (and nothing queued) when mail is not configured."""
    if not mail_configured():
        return None
    _name, address = parseaddr(to)
    if "@" not in address or any(c in to for c in "\r\n"):
        raise ValueError(f"not an e-mail address: {to!r}")
    params = {"to": to, "subject": " ".join(subject.split())[:MAX_SUBJECT], "text": text}
    return start_job(
        "mail",
        shop_id=shop_id,
        user_id=user_id,
        params=params,
        locale=locale or str(get_locale() or "en"),
    )


@job_kind("mail", tries=5)
def deliver(job: RunningJob) -> dict:
    for _ in job.steps(["sent"]):
        send(build_message(job))
    return {"to": job.params["to"]}


def build_message(job: RunningJob) -> EmailMessage:
    config = current_app.config
    sender = config["MAIL_DEFAULT_SENDER"]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "vitrina.invalid"
    message = EmailMessage()
    message["From"] = sender
    message["To"] = job.params["to"]
    message["Subject"] = job.params["subject"]
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = f"<{job.token}@{domain}>"
    # RFC 3834: written by a program, so auto-responders do not answer it.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(job.params["text"])
    message["Content-Language"] = job.locale  # after set_content, which clears Content-*
    return message


def send(message: EmailMessage) -> None:
    config = current_app.config
    host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
    if config["MAIL_USE_SSL"]:
        connection = smtplib.SMTP_SSL(host, port, timeout=timeout)
    else:
        connection = smtplib.SMTP(host, port, timeout=timeout)
    with connection as smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)
