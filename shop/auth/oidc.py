"""OpenID Connect sign-in: the provider client (one per app) and the ID-token checks.

Authlib runs the authorization-code flow with ``state``, ``nonce`` and PKCE (S256).
Each app gets its own OAuth registry, built lazily from its own config, because the
tests and ``flask --app shop dev`` create apps pointing at different providers, and a
shared registry would keep the first provider's metadata and keys. Nothing here
touches the network until a person starts signing in.

The ID token is checked by ``validate_id_token``, a plain function that the callback
uses and that unit tests call with tokens they sign themselves.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from authlib.common.security import is_secure_transport
from authlib.integrations.flask_client import OAuth, OAuthError
from authlib.integrations.flask_client.apps import FlaskOAuth2App
from flask import Flask, current_app, session
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from requests import RequestException

EXTENSION = "vitrina.oidc"
CLIENT_NAME = "oidc"
SCOPE = "openid email profile"
LOCAL_CLIENT_ID = "vitrina-local"
LOCAL_CLIENT_SECRET = "vitrina-local-secret"  # noqa: S105 - the local provider accepts any
HTTP_TIMEOUT = 10  # seconds: a provider that hangs must not hang a worker
METADATA_MAX_AGE = 24 * 3600  # re-read the discovery document (and keys) once a day
LEEWAY = 60  # seconds of clock skew allowed on exp and iat
# Asymmetric algorithms only: never "none", never HS* (a public key is no shared secret).
SIGNING_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
# Google documents both spellings for the "iss" of its ID tokens.
ISSUER_ALIASES = {"https://accounts.google.com": ("accounts.google.com",)}


class SignInError(Exception):
    """Sign-in stopped. ``reason`` picks the page the person sees (see auth.views)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class InvalidIDToken(SignInError):
    """The provider's ID token failed a check: signature, issuer, audience, time or nonce."""

    def __init__(self, detail: str) -> None:
        super().__init__("token", detail)


class UnknownSigningKey(InvalidIDToken):
    """Signed with a key we have not seen: the provider may have rotated its keys."""


@dataclass(frozen=True)
class Identity:
    """Who the provider says signed in. (issuer, subject) is the identity; e-mail is not."""

    issuer: str
    subject: str
    email: str
    name: str


def init_app(app: Flask) -> None:
    """Give the app its own, empty OAuth registry (again after its sign-in settings change)."""
    registry = OAuth()
    registry.init_app(app)
    app.extensions[EXTENSION] = registry


def client_credentials(config) -> tuple[str, str] | None:
    """(client id, secret) from the config, local ones for the local provider, else None."""
    if config.get("GOOGLE_CLIENT_ID"):
        return config["GOOGLE_CLIENT_ID"], config.get("GOOGLE_CLIENT_SECRET") or ""
    if config.get("LOCAL_SIGNIN"):
        return LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET
    return None


def is_configured(config) -> bool:
    """Whether this app can send people to a provider at all."""
    url = config.get("OIDC_DISCOVERY_URL") or ""
    return client_credentials(config) is not None and is_secure_transport(url)


def provider() -> FlaskOAuth2App:
    """This app's client for the provider, created from its config on first use."""
    registry: OAuth = current_app.extensions[EXTENSION]
    client = registry.create_client(CLIENT_NAME)
    if client is None:
        credentials = client_credentials(current_app.config)
        if credentials is None:
            raise SignInError("not_configured")
        client = registry.register(
            CLIENT_NAME,
            client_id=credentials[0],
            client_secret=credentials[1],
            server_metadata_url=current_app.config["OIDC_DISCOVERY_URL"],
            client_kwargs={
                "scope": SCOPE,
                "code_challenge_method": "S256",
                "default_timeout": HTTP_TIMEOUT,
            },
        )
    loaded_at = client.server_metadata.get("_loaded_at")
    if loaded_at and time.time() - loaded_at > METADATA_MAX_AGE:
        # A new dict, not clear(): a request in flight keeps reading its own copy.
        client.server_metadata = {}
    return client


def start_sign_in(redirect_uri: str):
    """Redirect to the provider; Authlib keeps state, nonce and PKCE verifier in the session."""
    client = provider()
    try:
        _required_metadata(client)
        return client.authorize_redirect(redirect_uri)
    except (RequestException, ValueError) as error:
        raise SignInError("provider_down", str(error)) from error


def finish_sign_in(args) -> dict[str, Any]:
    """Check the provider's answer (query ``args``) and return the ID token's verified claims.

    The state entry is removed from the session before anything else, so a callback
    URL works once; the provider refuses a second use of its code as well.
    """
    client = provider()
    state = args.get("state")
    data = client.framework.get_state_data(session, state) if state else None
    if state:
        client.framework.clear_state_data(session, state)
    error = args.get("error")
    if error:
        raise SignInError("denied" if error == "access_denied" else "provider_error", error)
    if not data:
        raise SignInError("state", "missing or unknown state")
    code = args.get("code")
    if not code:
        raise SignInError("token", "no authorization code")
    try:
        token = client.fetch_access_token(
            redirect_uri=data.get("redirect_uri"),
            code=code,
            code_verifier=data.get("code_verifier"),
        )
        return _checked_claims(client, token.get("id_token"), nonce=data.get("nonce"))
    except OAuthError as error:
        raise SignInError("token", f"{error.error}: {error.description}") from error
    except (RequestException, ValueError) as error:
        raise SignInError("provider_down", str(error)) from error


def _required_metadata(client: FlaskOAuth2App) -> dict:
    metadata = client.load_server_metadata()
    needed = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
    missing = [key for key in needed if not metadata.get(key)]
    if missing:
        client.server_metadata = {}
        raise ValueError("discovery document lacks " + ", ".join(missing))
    return metadata


def _checked_claims(client: FlaskOAuth2App, id_token: Any, nonce: str | None) -> dict:
    metadata = _required_metadata(client)
    checks = {
        "issuer": metadata["issuer"],
        "client_id": client.client_id,
        "nonce": nonce,
        "algorithms": metadata.get("id_token_signing_alg_values_supported"),
    }
    try:
        return validate_id_token(id_token, jwks=client.fetch_jwk_set(), **checks)
    except UnknownSigningKey:
        return validate_id_token(id_token, jwks=client.fetch_jwk_set(force=True), **checks)


def validate_id_token(
    id_token: Any,
    *,
    jwks: dict,
    issuer: str,
    client_id: str,
    nonce: str | None,
    algorithms: list[str] | None = None,
    now: int | None = None,
) -> dict[str, Any]:
    """The claims of an ID token that passes every check of OpenID Connect Core 3.1.3.7.

    Raises InvalidIDToken otherwise. ``iss`` in the result is the provider's issuer as
    its discovery document spells it, so the stored identity never depends on a spelling.
    """
    if not isinstance(id_token, str) or not id_token:
        raise InvalidIDToken("no ID token")
    if not nonce:
        raise InvalidIDToken("no nonce to compare")
    allowed = [alg for alg in (algorithms or ["RS256"]) if alg in SIGNING_ALGORITHMS]
    if not allowed:
        raise InvalidIDToken("no acceptable signing algorithm")
    try:
        token = jwt.decode(id_token, KeySet.import_key_set(jwks), algorithms=allowed)
    except InvalidKeyIdError as error:
        raise UnknownSigningKey(str(error)) from error
    except (JoseError, ValueError, KeyError, TypeError) as error:
        raise InvalidIDToken(f"signature: {error}") from error

    claims = token.claims
    registry = jwt.JWTClaimsRegistry(
        now=now,
        leeway=LEEWAY,
        iss={"essential": True, "values": [issuer, *ISSUER_ALIASES.get(issuer, ())]},
        sub={"essential": True},
        aud={"essential": True, "value": client_id},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except JoseError as error:
        raise InvalidIDToken(f"claims: {error}") from error
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != client_id:
        raise InvalidIDToken("azp is not this client")
    if len(claims["sub"]) > 255:
        raise InvalidIDToken("sub too long")
    return {**claims, "iss": issuer}


def identity_from_claims(claims: dict[str, Any]) -> Identity:
    """The person behind verified claims; refuses an e-mail the provider has not verified."""
    email = claims.get("email")
    verified = claims.get("email_verified")
    if not isinstance(email, str) or not email or not (verified is True or verified == "true"):
        raise SignInError("unverified", "email_verified is not true")
    name = claims.get("name") or claims.get("given_name") or ""
    return Identity(
        issuer=claims["iss"],
        subject=claims["sub"],
        email=email.strip()[:320],
        name=str(name).strip()[:200],
    )
