"""POST /api/token: Spotify's accounts service, client-credentials flow only.

At the root, where Spotify's clients look for it once their token URL points
at this service; see :mod:`app.access` for who gets a token.
"""

from flask import Blueprint
from flask import jsonify
from flask import request

from app import access
from app.schemas.spotify import token_schema

bp = Blueprint("token", __name__)


def oauth_error(error, description, status):
    # The accounts service answers in OAuth's own shape (RFC 6749 §5.2),
    # which clients parse for "error" and "error_description".
    response = jsonify({"error": error, "error_description": description})
    response.status_code = status
    return response


@bp.post("/api/token", strict_slashes=False)
def token():
    grant_type = request.form.get("grant_type")
    if grant_type is None:
        return oauth_error("invalid_request", "grant_type parameter is missing", 400)
    if grant_type != "client_credentials":
        return oauth_error("unsupported_grant_type", "grant_type must be client_credentials", 400)
    issued = access.issue_token(access.basic_credentials())
    if issued is None:
        return oauth_error("invalid_client", "Invalid client", 400)
    response = jsonify(token_schema.dump({
        "access_token": issued, "expires_in": access.TOKEN_LIFETIME_S,
    }))
    # A token is a credential: no cache may keep it (RFC 6749 §5.1).
    response.headers["Cache-Control"] = "no-store"
    return response
