"""Signing in leaves no cookie, code, state or token in the logs, even at DEBUG."""

from __future__ import annotations

import logging

from tests.auth.conftest import discovery_url, query, start_login


def test_sign_in_logs_no_secrets(make_app, oidc_server, provider, capsys):
    app = make_app(OIDC_DISCOVERY_URL=discovery_url(oidc_server), LOG_FORMAT="json")
    app.logger.setLevel(logging.DEBUG)
    client = app.test_client()
    subject = provider.add_person(email="ana@example.com", name="Ana García")
    capsys.readouterr()
    authorization = start_login(client)
    callback = provider.authorize(authorization, subject)
    app.logger.debug("callback was %s", callback)  # as careless code might
    response = client.get(callback)
    assert response.status_code == 302
    # A failed attempt, replayed: whatever is logged about it must be clean too.
    client.get(callback)
    app.logger.debug("cookies: %s", response.headers.get("Set-Cookie"))
    logged = capsys.readouterr().err
    cookie = response.headers["Set-Cookie"].split(";", 1)[0].split("=", 1)[1]
    params = query(callback)
    assert params["code"] not in logged
    assert params["state"] not in logged
    assert cookie not in logged
    assert "callback was" in logged  # the line itself is kept
