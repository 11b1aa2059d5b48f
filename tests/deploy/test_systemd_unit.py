"""deploy/music-metadata-api@.service, read against the steps docs/DEPLOYMENT.md gives."""

import re
import shlex

from tests.support.servers import REPO

UNIT = REPO / "deploy" / "music-metadata-api@.service"
DEPLOYMENT = REPO / "docs" / "DEPLOYMENT.md"


def unit_settings():
    """{key: [values]} of the unit's [Service] section (keys repeat: Environment=)."""
    settings = {}
    section = None
    for line in UNIT.read_text().splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
        elif section == "[Service]" and "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            settings.setdefault(key, []).append(value)
    return settings


def environment(settings):
    return dict(value.split("=", 1) for value in settings["Environment"])


def documented_commands():
    """The shell commands of DEPLOYMENT.md's code blocks, line continuations joined."""
    blocks = re.findall(r"```sh\n(.*?)```", DEPLOYMENT.read_text(), flags=re.DOTALL)
    return [line.strip() for block in blocks for line in block.replace("\\\n", " ").splitlines()]


def test_the_documented_steps_create_the_units_user_and_group():
    settings = unit_settings()
    (user,), (group,) = settings["User"], settings["Group"]
    creating = [shlex.split(c, comments=True) for c in documented_commands() if c.startswith("useradd ")]
    assert creating, "DEPLOYMENT.md creates no user"
    (useradd,) = creating
    assert useradd[-1] == user
    # --user-group creates the group of the same name.
    assert group == user and "--user-group" in useradd


def test_each_instance_has_its_own_metrics_folder_and_address():
    settings = unit_settings()
    env = environment(settings)
    assert "%i" in env["MUSIC_API_BIND"]
    assert "%i" in env["PROMETHEUS_MULTIPROC_DIR"]
    (runtime,) = settings["RuntimeDirectory"]
    assert env["PROMETHEUS_MULTIPROC_DIR"] == f"/run/{runtime}"


def test_the_unit_serves_the_installed_package_and_the_docs_install_it_as_named():
    settings = unit_settings()
    (start,) = settings["ExecStart"]
    assert start.endswith("/bin/music-metadata-api serve")
    assert "WorkingDirectory" not in settings, "serving needs no checkout"
    assert any(UNIT.name in command for command in documented_commands())
