"""E-mail through a real SMTP server on localhost (aiosmtpd), sent by the job queue."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from flask_babel import force_locale

from shop import jobs
from shop.extensions import db
from shop.mail import mail_configured, send_mail
from shop.models import Job, JobState
from tests import factories
from tests.dashboard.conftest import full  # noqa: F401  (the fixture)


class Inbox:
    def __init__(self) -> None:
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope)
        return "250 OK"

    def messages(self):
        return [message_from_bytes(e.content, policy=policy.default) for e in self.received]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox(app):
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=controller.port,
        MAIL_USE_TLS=False,
        MAIL_DEFAULT_SENDER="Vitrina <tienda@vitrina.example>",
    )
    yield handler
    controller.stop()


def test_an_email_reaches_the_server_with_the_right_headers(app, inbox):
    with app.test_request_context():
        assert mail_configured()
        job = send_mail("Ana Núñez <ana@example.com>", "Tu pedido 🎉\r\nBcc: x@evil", "Hola ☕")
        job_id = job.id
        jobs.drain()
        db.session.expire_all()  # the job ran in a context (and session) of its own
        assert db.session.get(Job, job_id).state is JobState.DONE
    (envelope,) = inbox.received
    assert envelope.rcpt_tos == ["ana@example.com"]
    (message,) = inbox.messages()
    assert message["From"] == "Vitrina <tienda@vitrina.example>"
    assert message["To"] == "Ana Núñez <ana@example.com>"
    assert message["Subject"] == "Tu pedido 🎉 Bcc: x@evil"  # folded: no header injection
    assert message["Bcc"] is None
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"].endswith("@vitrina.example>")
    assert message["Date"]
    assert message.get_content().strip() == "Hola ☕"


def test_the_export_ready_mail_speaks_the_merchants_language(app, client, full, inbox):  # noqa: F811
    app.config["EXPORT_IN_BACKGROUND_FROM"] = 0
    for language, subject, line in (
        ("en", "Your download of", "is ready"),
        ("es", "Tu descarga de", "está listo"),
    ):
        response = client.post(
            "/dashboard/data/export", data={}, headers={"Accept-Language": language}
        )
        page = client.get(response.location, headers={"Accept-Language": language})
        assert "@example.com" in page.get_data(as_text=True)  # "we will e-mail you at ..."
        with app.app_context():
            jobs.drain()
        message = inbox.messages()[-1]
        assert message["Subject"].startswith(subject)
        assert message["Content-Language"] == language
        body = message.get_content()
        assert line in body
        assert response.location in body


def test_without_a_server_nothing_is_queued(app):
    with app.test_request_context():
        assert not mail_configured()
        assert send_mail("ana@example.com", "Hola", "Hola") is None
        assert db.session.query(Job).count() == 0


def test_a_server_that_is_down_is_retried_then_reported(app):
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_USE_TLS=False,
        MAIL_DEFAULT_SENDER="tienda@vitrina.example", MAIL_TIMEOUT=2,
    )  # fmt: skip
    with app.test_request_context():
        user = factories.make_user()
        db.session.commit()
        job_id = send_mail("ana@example.com", "Hola", "Hola", user_id=user.id).id
        assert jobs.drain() == 5
        db.session.expire_all()
        job = db.session.get(Job, job_id)
        assert job.state is JobState.FAILED
        assert job.tries == 5


@pytest.mark.parametrize("address", ["", "not-an-address", "a@b.c\r\nBcc: x@evil"])
def test_a_bad_address_is_refused_before_anything_is_queued(app, inbox, address):
    with (
        app.test_request_context(),
        force_locale("en"),
        pytest.raises(ValueError, match="not an e-mail"),
    ):
        send_mail(address, "Hola", "Hola")
