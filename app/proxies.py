"""Which client address to believe behind reverse proxies (werkzeug's ProxyFix).

With ``TRUSTED_PROXIES = n`` the last ``n`` entries of ``X-Forwarded-For``
were written by proxies we run, so the ``n``-th from the end is the client.
With 0 (the default) the header is ignored: a client talking to the service
directly cannot pick its own address, and with it its own rate limit.
The same proxies' X-Forwarded-Proto, -Host, -Port and -Prefix give the
address clients used, which the absolute links of /v1 answers are built on
(:mod:`app.public_urls`) unless ``PUBLIC_BASE_URL`` names it.
"""

from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app):
    hops = int(app.config["TRUSTED_PROXIES"])
    if hops < 0:
        raise ValueError(f"MUSIC_API_TRUSTED_PROXIES must be 0 or more, not {hops}")
    if hops:
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops
        )
