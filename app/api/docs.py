"""The OpenAPI document and Swagger UI, served from the service's own files."""

from pathlib import Path

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import jsonify
from flask import redirect
from flask import send_from_directory
from swagger_ui_bundle import swagger_ui_path

from app.limits import exempt

STATIC_FOLDER = Path(__file__).resolve().parent.parent / "static"

bp = exempt(Blueprint("docs", __name__))


@bp.get("/")
def index():
    return redirect("docs", code=302)


@bp.get("/docs")
def swagger_page():
    return send_from_directory(STATIC_FOLDER, "docs.html")


@bp.get("/docs-init.js")
def swagger_initializer():
    return send_from_directory(STATIC_FOLDER, "docs-init.js")


@bp.get("/docs/static/<path:filename>")
def swagger_asset(filename):
    return send_from_directory(swagger_ui_path, filename)


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(current_app.extensions["openapi"].to_dict())


@bp.get("/openapi.yaml")
def openapi_yaml():
    return Response(current_app.extensions["openapi"].to_yaml(), mimetype="application/yaml")
