"""The image's HEALTHCHECK: exit 0 when /health answers 200 on the port the
service binds (MUSIC_API_BIND), 1 otherwise. The image has no curl."""

import os
import sys
import urllib.request

port = os.environ.get("MUSIC_API_BIND", "0.0.0.0:8080").rpartition(":")[2]
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=4) as answer:
        sys.exit(0 if answer.status == 200 else 1)
except OSError as error:
    print(f"health check failed: {error}", file=sys.stderr)
    sys.exit(1)
