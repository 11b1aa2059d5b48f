"""GET /health: can each database answer right now?"""

from flask import Blueprint
from flask import current_app
from flask import jsonify

from app.db import search_mode
from app.files import database_states
from app.limits import exempt
from app.schemas.service import health_schema

bp = exempt(Blueprint("health", __name__))


@bp.get("/health")
def health():
    databases = database_states(
        current_app.extensions["catalogue_files"],
        immutable=current_app.config["SQLITE_IMMUTABLE"],
    )
    healthy = "unavailable" not in databases.values()
    body = health_schema.dump({
        "status": "ok" if healthy else "unavailable",
        "databases": databases,
        "search": search_mode(),
        "index_parts": current_app.extensions["catalogue_files"].contents.get("search", ()),
    })
    return jsonify(body), 200 if healthy else 503
