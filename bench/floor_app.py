"""The HTTP floor: a bare Flask route returning a constant small JSON, served
by the same gunicorn configuration as the service
(``gunicorn -c gunicorn.conf.py bench.floor_app:app``)."""

from flask import Flask
from flask import jsonify

app = Flask(__name__)
CONSTANT = {"status": "ok", "service": "floor"}


@app.get("/floor")
def floor():
    return jsonify(CONSTANT)
