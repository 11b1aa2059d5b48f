#!/bin/sh
# The image's entry point: serve the catalogue mounted at /data, or, when
# nothing is mounted there, the demo catalogue built into the image.
set -eu

IMAGE_DEFAULT=/data/main_database.sqlite3
DEMO=/opt/music-metadata-api/demo/main_database.sqlite3

# Only the image's default path falls back to the demo: a path the operator
# chose that does not exist must stop start-up with the service's own error.
if [ "$MUSIC_API_MAIN_DATABASE" = "$IMAGE_DEFAULT" ] && [ ! -e "$IMAGE_DEFAULT" ]; then
    printf '{"level": "WARNING", "logger": "entrypoint", "message": "%s"}\n' \
        "nothing at $IMAGE_DEFAULT: serving the demo catalogue built into the image"
    export MUSIC_API_MAIN_DATABASE="$DEMO"
fi

# Container platforms collect stdout; one stream keeps the JSON lines in order.
exec 2>&1
exec music-metadata-api serve
