"""Spotify's client-credentials flow, for clients that insist on a token.

With ``CLIENT_CREDENTIALS`` empty (the default) authentication is off: any
client id and secret get a token, and /v1 reads no token at all. With it
set (``id:secret,id2:secret2``) only those pairs get a token, and every /v1
request must carry one as ``Authorization: Bearer …``. Tokens are signed
with a key derived from the setting, so every worker and every instance
with the same setting accepts them, for an hour, without shared state.
"""

import base64
import binascii
import functools
import hashlib

from flask import current_app
from flask import request
from itsdangerous import BadSignature
from itsdangerous import URLSafeTimedSerializer

from app.errors import ApiError

TOKEN_LIFETIME_S = 3600
ANONYMOUS = "anonymous"


def authentication_on():
    return bool(current_app.config["CLIENT_CREDENTIALS"])


def _accepted_pairs():
    return _pairs_of(current_app.config["CLIENT_CREDENTIALS"])


def _serializer():
    return _serializer_of(current_app.config["CLIENT_CREDENTIALS"])


# Both follow from the setting alone: made once per setting, not on every
# /v1 request (an app's settings do not change; tests build apps with others).
@functools.lru_cache(maxsize=8)
def _pairs_of(setting):
    return frozenset(tuple(pair.strip().split(":", 1)) for pair in setting.split(",") if ":" in pair)


@functools.lru_cache(maxsize=8)
def _serializer_of(setting):
    secret = hashlib.sha256(setting.encode()).digest()
    return URLSafeTimedSerializer(secret, salt="music-api-access-token")


def basic_credentials():
    """The (client id, secret) of an ``Authorization: Basic`` header, else of
    the form fields ``client_id`` and ``client_secret``; None when neither."""
    header = request.headers.get("Authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() == "basic":
        try:
            client_id, _, secret = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return client_id, secret
    if "client_id" in request.form:
        return request.form["client_id"], request.form.get("client_secret", "")
    return None


def issue_token(credentials):
    """Return a new access token for ``credentials``, or None if they are refused."""
    if not authentication_on():
        return _serializer().dumps(credentials[0] if credentials else ANONYMOUS)
    if credentials is None or tuple(credentials) not in _accepted_pairs():
        return None
    return _serializer().dumps(credentials[0])


def require_token():
    """Before each /v1 request: with authentication on, a valid bearer token.

    :raise ApiError 401: no token, or one that is not valid or has expired.
    """
    if not authentication_on() or request.method == "OPTIONS":
        return
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError("No token provided", status=401)
    try:
        _serializer().loads(token.strip(), max_age=TOKEN_LIFETIME_S)
    except BadSignature as error:
        raise ApiError("Invalid access token", status=401) from error
