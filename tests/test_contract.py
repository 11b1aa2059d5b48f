"""docs/API.md, the contract a clone carries, is the project's shared specification."""

from pathlib import Path

from tests.support.servers import REPO

# Where the specification lives beside the repository, on the project's machines.
SHARED_SPEC = Path("/work/shared/spec/API.md")
SHIPPED = REPO / "docs" / "API.md"


def test_the_contract_is_in_the_repository():
    text = SHIPPED.read_text()
    assert text.startswith("# Music Metadata API — the HTTP contract")
    assert "## Deliberate changes from the Go service" in text


def test_the_shipped_contract_equals_the_shared_one_where_both_exist():
    # On a fresh clone elsewhere there is no shared copy: the shipped one is
    # then the contract, and only the test above applies.
    if SHARED_SPEC.exists():
        assert SHIPPED.read_text() == SHARED_SPEC.read_text(), "copy shared/spec/API.md to docs/API.md"


def test_the_readme_links_the_shipped_contract():
    readme = (REPO / "README.md").read_text()
    assert "[docs/API.md](docs/API.md)" in readme
    assert "shared/spec" not in readme
