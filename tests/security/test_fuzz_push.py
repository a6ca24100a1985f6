"""The Web Push subscription endpoints (issue 17) fuzzed (ASVS V4 API, V5 validation,
V12 request forgery): any JSON a page could post answers JSON, never a 5xx; nothing but
a usable subscription on an allow-listed push service is stored; no CSRF token, nothing.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop.lib.vapid import new_private_key, public_key_of
from tests.security.hostile import FUZZ, hostile_text, json_value

GOOD_KEYS = {
    "p256dh": "BIzLnsbFJw71qipXxaA-t0wWGvk5TMD22yiA63o8WWqYonFvkjBmuxg"
    "dBH2_0fF9X8OESpOd8VTFldqlEZKlEHk",
    "auth": "AAECAwQFBgcICQoLDA0ODw",
}


@pytest.fixture
def push_on(app):
    private = new_private_key()
    app.config.update(
        VAPID_PRIVATE_KEY=private,
        VAPID_PUBLIC_KEY=public_key_of(private),
        VAPID_SUBJECT="mailto:ops@vitrina.example",
    )


def endpoints():
    return st.one_of(
        hostile_text,
        st.sampled_from(
            [
                "http://127.0.0.1:6379/",
                "http://169.254.169.254/latest/meta-data/",
                "https://fcm.googleapis.com:8443/x",
                "https://fcm.googleapis.com@evil.example/x",
                "file:///etc/passwd",
                "gopher://fcm.googleapis.com/",
                "https://[::1]/x",
                "https://fcm.googleapis.com\r\nHost: evil/x",
            ]
        ),
        json_value,
    )


def bodies():
    keys = st.one_of(st.just(GOOD_KEYS), st.dictionaries(hostile_text, json_value, max_size=3))
    return st.one_of(
        st.fixed_dictionaries({"endpoint": endpoints(), "keys": keys}),
        st.dictionaries(hostile_text, json_value, max_size=3),
        json_value,
    )


def test_fuzzed_subscriptions_answer_json_and_store_nothing(app, client, world, snapshot, push_on):
    before = snapshot()
    token = client.csrf_token()

    @FUZZ
    @given(body=bodies())
    def subscribe(body):
        for url in ("/dashboard/push/subscribe", "/dashboard/push/unsubscribe"):
            response = client.post(
                url,
                data=json.dumps(body),
                content_type="application/json",
                headers={"X-CSRFToken": token},
            )
            assert response.status_code in {200, 422}, response.text[:300]
            assert response.is_json
            if url.endswith("/subscribe"):
                assert response.status_code == 422, body

    subscribe()
    assert snapshot() == before


def test_without_a_csrf_token_a_good_subscription_is_refused(app, client, world, snapshot, push_on):
    before = snapshot()
    body = {"endpoint": "https://fcm.googleapis.com/fcm/send/abc", "keys": GOOD_KEYS}
    for url in ("/dashboard/push/subscribe", "/dashboard/push/unsubscribe"):
        assert client.post(url, json=body).status_code == 400
        forged = client.post(
            url, json=body, headers={"X-CSRFToken": app.test_client().csrf_token()}
        )
        assert forged.status_code == 400
    assert snapshot() == before
    accepted = client.post(
        url.replace("unsubscribe", "subscribe"),
        json=body,
        headers={"X-CSRFToken": client.csrf_token()},
    )
    assert accepted.status_code == 200  # the same body with its token is fine
