"""What Linux's /proc says about a running server: its workers, the CPU they
used, their memory. Read by tests (workers replaced or not) and by bench/
(CPU per request, memory per worker)."""

import os
from pathlib import Path


def worker_pids(master_pid):
    """The pids of a gunicorn master's live worker processes."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    return {int(pid) for pid in children.read_text().split()}


def cpu_seconds(pid, *, with_reaped_children=False):
    """CPU time (user + system) used so far by ``pid``; 0 once it has gone.

    ``with_reaped_children`` adds what its children used before they were
    waited for (a gunicorn master's workers replaced by max_requests).
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    # The command name may hold spaces; the fields after its ")" do not.
    fields = stat.rsplit(")", 1)[1].split()
    # utime, stime, cutime, cstime: fields 14 to 17 of proc(5), in clock ticks.
    ticks = int(fields[11]) + int(fields[12])
    if with_reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def memory_mb(pid):
    """{"rss_mb", "anon_mb", "file_mb"} of ``pid``, or None once it has gone.

    ``anon`` is the process's own memory (heap, SQLite page cache); ``file``
    is pages of mapped files (the catalogue through mmap, the interpreter's
    libraries), which live once in the shared page cache however many
    processes map them.
    """
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    kib = {}
    for line in status.splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "RssAnon", "RssFile", "RssShmem"):
            kib[name] = int(value.split()[0])
    return {
        "rss_mb": kib.get("VmRSS", 0) / 1024,
        "anon_mb": kib.get("RssAnon", 0) / 1024,
        "file_mb": (kib.get("RssFile", 0) + kib.get("RssShmem", 0)) / 1024,
    }
