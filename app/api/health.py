"""GET /health: can each database answer right now?"""

from flask import Blueprint
from flask import jsonify

from app.catalog import health as health_sql
from app.db import get_db
from app.db import has_track_files
from app.db import search_mode
from app.limits import exempt

bp = exempt(Blueprint("health", __name__))


@bp.get("/health")
def health():
    databases = health_sql.database_states(get_db(), with_files=has_track_files())
    healthy = all(state != "unavailable" for state in databases.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        "databases": databases,
        "search": search_mode(),
    }
    return jsonify(body), 200 if healthy else 503
