"""The atomic write helper: a target is replaced whole or not at all."""

import os
import subprocess

import pytest

from app.atomic import atomic_path
from app.atomic import partial_path


def test_success_renames_the_partial_over_the_target(tmp_path):
    target = tmp_path / "file.sqlite3"
    target.write_text("old")
    with atomic_path(target) as partial:
        assert partial.parent == tmp_path
        assert partial.name.startswith(".file.sqlite3.partial-")
        partial.write_text("new")
        assert target.read_text() == "old"
    assert target.read_text() == "new"
    assert [path.name for path in tmp_path.iterdir()] == ["file.sqlite3"]


@pytest.mark.parametrize("before", [None, "old"])
def test_an_exception_leaves_the_target_as_it_was_and_no_partial(tmp_path, before):
    target = tmp_path / "file.sqlite3"
    if before is not None:
        target.write_text(before)
    with pytest.raises(RuntimeError, match="disk on fire"):
        with atomic_path(target) as partial:
            partial.write_text("half")
            raise RuntimeError("disk on fire")
    if before is None:
        assert list(tmp_path.iterdir()) == []
    else:
        assert [path.name for path in tmp_path.iterdir()] == ["file.sqlite3"]
        assert target.read_text() == before


def _pid_of_an_ended_process():
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_partials_of_dead_processes_are_removed_and_others_kept(tmp_path):
    target = tmp_path / "file.sqlite3"
    dead = _pid_of_an_ended_process()
    abandoned = partial_path(target, dead)
    still_writing = partial_path(target, os.getppid())
    another_target = partial_path(tmp_path / "other.sqlite3", dead)
    for path in (abandoned, still_writing, another_target):
        path.write_text("half")
    with atomic_path(target) as partial:
        partial.write_text("new")
    assert not abandoned.exists()
    assert still_writing.exists() and another_target.exists()
    assert target.read_text() == "new"
