"""`make bench` (``python -m bench``): how fast the service answers, measured
in one run beside an HTTP floor, a database floor and a peer (Datasette).

Each *suite* is a module of this package with a ``run(context)`` function
that returns :class:`bench.report.Section` objects; ``bench/__main__.py``
finds suites by themselves, so adding one is adding a module. The other
modules are helpers shared by suites: catalogues (generated once, cached),
keys (random real keys), load (wrk over loopback), inprocess (lookups
without HTTP) and report (docs/PERFORMANCE.md). Servers (gunicorn, started
and always stopped) come from tests/support/servers.py, the runner the
integration tests use: run the harness from the repository root.
"""
