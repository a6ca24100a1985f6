"""The ID-token checks the callback runs, fed with tokens signed here (no provider, no network)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from shop.auth.oidc import (
    InvalidIDToken,
    SignInError,
    UnknownSigningKey,
    identity_from_claims,
    validate_id_token,
)

ISSUER = "https://issuer.example"
CLIENT_ID = "vitrina-client"
NONCE = "nonce-0123456789abcdef"


@pytest.fixture(scope="module")
def key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "key-1"})


@pytest.fixture(scope="module")
def jwks(key) -> dict:
    return KeySet([key]).as_dict(private=False)


def claims(**changes) -> dict:
    now = int(time.time())
    values = {
        "iss": ISSUER,
        "sub": "1234567890",
        "aud": CLIENT_ID,
        "exp": now + 300,
        "iat": now,
        "nonce": NONCE,
        "email": "ana@example.com",
        "email_verified": True,
        "name": "Ana",
    } | changes
    return {k: v for k, v in values.items() if v is not None}


def sign(key, header=None, **changes) -> str:
    return jwt.encode({"alg": "RS256", "kid": "key-1", **(header or {})}, claims(**changes), key)


def validate(token, jwks, **overrides):
    options = {"issuer": ISSUER, "client_id": CLIENT_ID, "nonce": NONCE} | overrides
    return validate_id_token(token, jwks=jwks, **options)


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_accepts_a_good_token(key, jwks):
    result = validate(sign(key), jwks)

    assert (result["iss"], result["sub"]) == (ISSUER, "1234567890")
    assert result["email"] == "ana@example.com"


def test_accepts_an_audience_list_that_names_us_as_authorized_party(key, jwks):
    token = sign(key, aud=[CLIENT_ID, "other-client"], azp=CLIENT_ID)

    assert validate(token, jwks)["sub"] == "1234567890"


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"aud": "someone-else"}, "wrong audience"),
        ({"aud": [CLIENT_ID, "other-client"]}, "several audiences and no azp"),
        ({"azp": "other-client"}, "authorized party is another client"),
        ({"aud": None}, "no audience"),
        ({"iss": "https://evil.example"}, "wrong issuer"),
        ({"iss": None}, "no issuer"),
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"exp": None}, "no expiry"),
        ({"iat": int(time.time()) + 3600}, "issued in the future"),
        ({"nonce": "another-nonce"}, "bad nonce"),
        ({"nonce": None}, "no nonce"),
        ({"sub": None}, "no subject"),
        ({"sub": "x" * 256}, "subject too long to store"),
    ],
)
def test_refuses_a_token_with_bad_claims(key, jwks, changes, why):
    with pytest.raises(InvalidIDToken):
        validate(sign(key, **changes), jwks)


def test_refuses_an_unsigned_token(jwks):
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims())}."

    with pytest.raises(InvalidIDToken):
        validate(unsigned, jwks)
    with pytest.raises(InvalidIDToken):  # even if the provider claims to allow "none"
        validate(unsigned, jwks, algorithms=["none", "RS256"])


def test_refuses_a_token_signed_with_the_public_key_as_hmac_secret(key, jwks):
    signing_input = f"{_b64({'alg': 'HS256', 'kid': 'key-1'})}.{_b64(claims())}"
    mac = hmac.new(key.as_pem(private=False), signing_input.encode(), hashlib.sha256).digest()
    forged = f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"

    with pytest.raises(InvalidIDToken):
        validate(forged, jwks, algorithms=["HS256", "RS256"])


def test_refuses_a_token_signed_by_another_key_with_our_key_id(jwks):
    impostor = RSAKey.generate_key(2048, parameters={"kid": "key-1"})

    with pytest.raises(InvalidIDToken):
        validate(sign(impostor), jwks)


def test_a_token_from_an_unknown_key_asks_for_fresh_keys(jwks):
    rotated = RSAKey.generate_key(2048, parameters={"kid": "key-2"})

    with pytest.raises(UnknownSigningKey):
        validate(sign(rotated, header={"kid": "key-2"}), jwks)


def test_refuses_a_tampered_payload(key, jwks):
    header, _, signature = sign(key).split(".")
    tampered = f"{header}.{_b64(claims(sub='someone-else'))}.{signature}"

    with pytest.raises(InvalidIDToken):
        validate(tampered, jwks)


@pytest.mark.parametrize("garbage", ["", "not-a-jwt", "a.b.c", None, 42])
def test_refuses_garbage(jwks, garbage):
    with pytest.raises(InvalidIDToken):
        validate(garbage, jwks)


def test_refuses_to_check_without_an_expected_nonce(key, jwks):
    with pytest.raises(InvalidIDToken):
        validate(sign(key), jwks, nonce=None)


def test_google_issuer_without_scheme_is_stored_under_the_discovery_issuer(key, jwks):
    token = sign(key, iss="accounts.google.com")

    result = validate(token, jwks, issuer="https://accounts.google.com")

    assert result["iss"] == "https://accounts.google.com"


@pytest.mark.parametrize("verified", [True, "true"])
def test_identity_needs_a_verified_email(verified):
    identity = identity_from_claims(claims(email_verified=verified))

    assert (identity.issuer, identity.subject) == (ISSUER, "1234567890")
    assert (identity.email, identity.name) == ("ana@example.com", "Ana")


@pytest.mark.parametrize(
    "changes",
    [
        {"email_verified": False},
        {"email_verified": None},
        {"email_verified": "false"},
        {"email_verified": 1},
        {"email": None},
        {"email": ""},
    ],
)
def test_identity_refuses_an_unverified_email(changes):
    with pytest.raises(SignInError) as refused:
        identity_from_claims(claims(**changes))

    assert refused.value.reason == "unverified"


def test_identity_trims_long_names_and_emails_to_fit():
    identity = identity_from_claims(claims(name="ñ" * 500, email="a" * 400 + "@example.com"))

    assert len(identity.name) == 200
    assert len(identity.email) == 320
