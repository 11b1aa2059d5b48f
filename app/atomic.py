"""Write a new file so that readers see the old one or the complete new one, never half.

The tools that write SQLite files (the demo generator, the index builder)
write each under a hidden partial name beside its target and rename it into
place only once complete; a failure or a kill leaves no file under the
target's name the service would open. Because a failed write is thrown away
whole, the writers may also skip SQLite's own crash safety while they load
(:func:`prepare_bulk_load`): the rename, after an fsync, is the commit.
"""

import contextlib
import os
from pathlib import Path

PARTIAL_MARKER = ".partial-"


@contextlib.contextmanager
def atomic_path(target):
    """Yield a hidden partial path beside ``target``; rename it over ``target`` on success.

    Partials abandoned by dead processes are removed first. The partial is
    fsynced before the rename and the folder after it, so a crash never
    exposes unwritten pages under the target's name. On any exception the
    partial is removed and ``target`` is left as it was.
    """
    target = Path(target)
    remove_abandoned_partials(target)
    partial = partial_path(target)
    partial.unlink(missing_ok=True)
    try:
        yield partial
        _sync(partial)
        os.replace(partial, target)
        _sync(target.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def partial_path(target, pid=None):
    """The hidden name this process (or ``pid``) writes ``target`` under."""
    target = Path(target)
    return target.with_name(f".{target.name}{PARTIAL_MARKER}{pid or os.getpid()}")


def remove_abandoned_partials(target):
    """Delete partials of ``target`` whose writing process no longer exists."""
    target = Path(target)
    for partial in target.parent.glob(f".{target.name}{PARTIAL_MARKER}*"):
        pid = partial.name.rsplit(PARTIAL_MARKER, 1)[1]
        if pid.isdigit() and not _process_exists(int(pid)):
            partial.unlink(missing_ok=True)


def _process_exists(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sync(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        # Some file systems cannot fsync a folder; the rename is still atomic.
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def prepare_bulk_load(connection, cache_kib):
    """Set the PRAGMAs of a one-pass load into a fresh partial file.

    No journal and no syncs: a failed load is deleted, not rolled back.
    One writer, so the lock is taken once. Works on sqlite3 and APSW
    connections alike.
    """
    for pragma in ("journal_mode = OFF", "synchronous = OFF", "locking_mode = EXCLUSIVE",
                   f"cache_size = {-int(cache_kib)}"):
        connection.execute(f"PRAGMA {pragma}")
