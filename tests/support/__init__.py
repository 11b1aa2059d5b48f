"""What the tests and bench/ share: real servers (servers), bounded request
streams and load (traffic, load), the contract's answers computed from the
files (expected), the app in-process (inprocess) and the test catalogue's
size (catalogue).

Plain modules, not fixtures: tests/conftest.py holds the fixtures.
"""
