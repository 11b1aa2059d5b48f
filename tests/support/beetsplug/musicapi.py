"""A beets plugin that points beets' own spotify plugin at this service.

beets' spotify plugin keeps Spotify's addresses in class attributes and has
no setting for them; this shim rewrites them from its one setting,
``musicapi.base_url``, before the spotify plugin is built (list it first:
``plugins: musicapi spotify``, with this folder on ``pluginpath``).
"""

from beets.plugins import BeetsPlugin

# The spotify plugin's attribute → the path on this service.
ADDRESSES = {
    "oauth_token_url": "/api/token",
    "search_url": "/v1/search",
    "album_url": "/v1/albums/",
    "track_url": "/v1/tracks",
    "audio_features_url": "/v1/audio-features",
}


class MusicApiPlugin(BeetsPlugin):
    def __init__(self):
        super().__init__()
        self.config.add({"base_url": "http://127.0.0.1:8080"})
        from beetsplug.spotify import SpotifyPlugin

        base = self.config["base_url"].as_str().rstrip("/")
        for attribute, path in ADDRESSES.items():
            setattr(SpotifyPlugin, attribute, base + path)
