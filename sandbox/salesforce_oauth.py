"""Salesforce's OAuth token endpoint: the client-credentials, refresh-token and JWT bearer grants.

Two rules of the real endpoint are modelled because a first run against a real org trips on them:
the client-credentials grant works only on the org's My Domain (the generic login hosts answer
``invalid_grant`` "request not supported on this domain"), and a JWT bearer assertion must be
signed (RS256) with the key of the certificate uploaded to the connected app, name the app's
consumer key as ``iss``, a pre-authorised user as ``sub``, the login server as ``aud`` and expire
within three minutes. See ``sandbox/README.md`` for the sources.
"""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import jwt
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from sandbox.http import Request, Response

log = logging.getLogger(__name__)

# Hosts that serve every org's login page; client credentials are refused there.
GENERIC_LOGIN_HOSTS = frozenset({"login.salesforce.com", "test.salesforce.com"})
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# The authorisation server's identity a JWT's `aud` must name (production or sandbox orgs).
JWT_AUDIENCES = ("https://login.salesforce.com", "https://test.salesforce.com")
JWT_MAX_LIFETIME_SECONDS = 180  # "exp ... within 3 minutes"
JWT_CLOCK_SKEW_SECONDS = 30


def oauth_error(error: str, description: str, status: int = 400) -> Response:
    return Response.json(status, {"error": error, "error_description": description})


def load_certificate_key(pem: str) -> RSAPublicKey:
    """The RSA public key of a PEM certificate (as uploaded to a connected app) or public key."""
    data = pem.encode()
    key = (x509.load_pem_x509_certificate(data).public_key()
           if b"BEGIN CERTIFICATE" in data else load_pem_public_key(data))
    if not isinstance(key, RSAPublicKey):
        raise ValueError("a connected app's certificate must hold an RSA key (RS256)")
    return key


@dataclass(frozen=True)
class ConnectedApp:
    """The OAuth client the sandbox's org knows: consumer key and secret, and optionally the
    certificate whose key signs JWT bearer assertions (``world.salesforce["connected_app"]``)."""

    client_id: str
    client_secret: str
    certificate_key: RSAPublicKey | None = None


@dataclass(frozen=True)
class Grant:
    """A granted token request: who the token is for and what the response carries."""

    kind: str  # client_credentials, refresh_token or jwt_bearer
    scope: str
    user_id: str | None = None  # None: the org's integration (run-as) user
    signed: bool = True  # whether the response carries `signature` and `issued_at`


def request_params(request: Request) -> dict[str, str]:
    """Query and form parameters (form wins), with HTTP Basic client credentials folded in."""
    params = {k: v[-1] for k, v in request.query.items()}
    form = parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)
    params.update({k: v[-1] for k, v in form.items()})
    basic = request.headers.get("authorization", "")
    if basic[:6].lower() == "basic ":
        try:
            client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
        except ValueError:
            params["client_secret"] = "\0"  # undecodable: refused as invalid credentials
        else:
            params.setdefault("client_id", client_id)
            params.setdefault("client_secret", secret)
    return params


def on_generic_login_host(request: Request) -> bool:
    """Whether the request was addressed to login.salesforce.com / test.salesforce.com."""
    host = request.headers.get("host", "").rsplit(":", 1)[0].lower()
    return host in GENERIC_LOGIN_HOSTS


def grant(params: Mapping[str, str], app: ConnectedApp, *, generic_login_host: bool,
          refresh_token_known: Callable[[str], bool],
          user_id_for: Callable[[str], str | None]) -> Grant | Response:
    """Check a token request against the connected app; a ``Response`` is the refusal."""
    kind = params.get("grant_type")
    if kind == JWT_BEARER:
        return _jwt_grant(params.get("assertion", ""), app, user_id_for)
    if kind not in ("client_credentials", "refresh_token"):
        return oauth_error("unsupported_grant_type", "grant type not supported")
    if params.get("client_id") != app.client_id:
        return oauth_error("invalid_client_id", "client identifier invalid")
    # The refresh grant may omit the secret (a connected-app setting); a wrong one fails.
    secret = params.get("client_secret")
    if (kind == "client_credentials" or secret is not None) and secret != app.client_secret:
        return oauth_error("invalid_client", "invalid client credentials")
    if kind == "client_credentials":
        if generic_login_host:
            return oauth_error("invalid_grant", "request not supported on this domain")
        return Grant("client_credentials", "api")
    if not refresh_token_known(params.get("refresh_token", "")):
        return oauth_error("invalid_grant", "expired access/refresh token")
    return Grant("refresh_token", "refresh_token api")


def _jwt_grant(assertion: str, app: ConnectedApp,
               user_id_for: Callable[[str], str | None]) -> Grant | Response:
    try:
        claims: dict[str, Any] = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return oauth_error("invalid_grant", "invalid assertion")
    if claims.get("iss") != app.client_id:
        return oauth_error("invalid_client_id", "client identifier invalid")
    if app.certificate_key is None:  # no certificate uploaded: digital signatures are off
        return oauth_error("invalid_client", "invalid client credentials")
    try:
        jwt.decode(assertion, app.certificate_key, algorithms=["RS256"],
                   options={"require": ["iss", "sub", "aud", "exp"], "verify_aud": False},
                   leeway=JWT_CLOCK_SKEW_SECONDS)
    except jwt.ExpiredSignatureError:
        return oauth_error("invalid_grant", "expired authorization code")
    except jwt.InvalidTokenError:
        return oauth_error("invalid_grant", "invalid assertion")
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if not any(str(a).rstrip("/") in JWT_AUDIENCES for a in audiences):
        return oauth_error("invalid_grant", "audience is invalid")
    iat = claims.get("iat")
    lifetime = claims["exp"] - (iat if isinstance(iat, int | float) else time.time())
    if lifetime > JWT_MAX_LIFETIME_SECONDS + JWT_CLOCK_SKEW_SECONDS:
        return oauth_error("invalid_grant", "invalid assertion")
    user_id = user_id_for(str(claims["sub"]))
    if user_id is None:
        return oauth_error("invalid_grant", "user hasn't approved this consumer")
    return Grant("jwt_bearer", "api", user_id=user_id, signed=False)
