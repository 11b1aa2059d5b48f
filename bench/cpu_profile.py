"""Where a worker's CPU goes while it answers distinct 400-ISRC batches
(bench/batch_cost.py's bodies, one client over HTTP), part by part:
SQLite's b-tree and pager, the rest of SQLite and APSW, CPython's
interpreter, allocator and garbage collector, orjson, libc, and the
kernel's page faults and the rest. Instruction counts
(bench/gunicorn_instructions.py) say how much work a request does; this says
where its time goes, cache and TLB misses included, which at 10M tracks
weigh more than the instructions show.

    python -m bench.cpu_profile --tracks 10000000 --rounds 2 \\
        before=/path/to/old/checkout now=.

Each NAME=TREE serves that checkout (as ``python -m bench --tree``). The
workers are sampled with ``perf record -e cpu-clock``, a software clock, so
no hardware counters are needed; every round runs every tree, each round
starting one tree further on. The table gives each part's median over the
rounds in µs per answered track. Needs perf (Debian's linux-perf) and the
right to profile the workers (root, or kernel.perf_event_paranoid <= 1).
Not a suite of ``make bench`` (it has no ``run``): its figures back the
notes of docs/PERFORMANCE.md.
"""

import argparse
import errno
import os
import select
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench.__main__ import BenchContext
from bench.__main__ import load_average
from bench.batch_cost import BATCH_SIZE
from bench.batch_cost import HTTP_BATCHES
from bench.batch_cost import HTTP_WARM_UP
from bench.batch_cost import bodies
from bench.batch_cost import http_batches
from bench.catalogues import ensure_catalogue
from bench.catalogues import warm_page_cache
from bench.keys import sample_keys

SQLITE_PAGES = "SQLite: b-tree and pager"
SQLITE_REST = "SQLite and APSW: the rest"
INTERPRETER = "CPython: interpreter and objects"
ALLOCATOR = "CPython: object allocator"
GARBAGE_COLLECTOR = "CPython: garbage collector"
ORJSON = "orjson"
LIBC = "libc (malloc, memcpy, locks)"
PAGE_FAULTS = "kernel: page faults"
KERNEL_REST = "kernel: the rest (sockets, scheduling, system calls)"
OTHER = "other"
PARTS = (SQLITE_PAGES, SQLITE_REST, INTERPRETER, ALLOCATOR, GARBAGE_COLLECTOR,
         ORJSON, LIBC, PAGE_FAULTS, KERNEL_REST, OTHER)

# SQLite's functions that find and read pages: descending a b-tree, parsing
# a page's header and cells, comparing keys on the way, and the pager and
# page cache behind them. What they cost beyond their instructions is the
# memory they touch: a page not seen lately by this worker.
_SQLITE_PAGE_PREFIXES = (
    "btree", "moveTo", "sqlite3Btree", "getAndInitPage", "getPage", "releasePage",
    "pager", "sqlite3Pager", "pcache", "sqlite3Pcache", "cellSize",
    "vdbeRecordCompare", "sqlite3VdbeRecordCompare", "sqlite3VdbeFinishMoveto",
)
_GARBAGE_COLLECTOR_PREFIXES = (
    "gc_", "visit_", "subtract_refs", "update_refs", "move_unreachable", "move_legacy",
    "deduce_unreachable", "_PyGC_", "PyGC_",
)
_GARBAGE_COLLECTOR_SUFFIXES = ("_traverse",)
_ALLOCATOR_NAMES = {
    "_PyObject_Malloc", "_PyObject_Free", "_PyObject_Calloc", "_PyObject_Realloc",
    "PyObject_Malloc", "PyObject_Free", "PyObject_Calloc", "PyObject_Realloc",
    "pymalloc_alloc", "pymalloc_free", "allocate_from_new_pool", "insert_to_freepool",
    "_PyObject_ArenaMmap", "_PyObject_ArenaMunmap", "new_arena",
}
_PAGE_FAULT_FRAMES = {"asm_exc_page_fault", "exc_page_fault"}
# How long perf may take to attach, or to answer a command.
PERF_ANSWER_S = 30


def part_of(symbol, library, frames=()):
    """The part a sample belongs to: its innermost ``symbol`` in
    ``library`` (a path, or ``[kernel.kallsyms]``), with the rest of its
    call chain's symbols in ``frames``."""
    name = Path(library).name
    if library.startswith("[kernel"):
        return PAGE_FAULTS if _PAGE_FAULT_FRAMES & {symbol, *frames} else KERNEL_REST
    if "/apsw/" in library:
        return SQLITE_PAGES if symbol.startswith(_SQLITE_PAGE_PREFIXES) else SQLITE_REST
    if name.startswith("libpython"):
        if symbol in _ALLOCATOR_NAMES:
            return ALLOCATOR
        if symbol.startswith(_GARBAGE_COLLECTOR_PREFIXES) or symbol.endswith(_GARBAGE_COLLECTOR_SUFFIXES):
            return GARBAGE_COLLECTOR
        return INTERPRETER
    if name.startswith("orjson"):
        return ORJSON
    if name.startswith("libc.so"):
        return LIBC
    return OTHER


def seconds_by_part(script_output):
    """{part: CPU seconds} from ``perf script -F period,ip,sym,dso`` of a
    cpu-clock recording with call chains: a sample is its period (ns) on
    one line, then one frame per line, innermost first."""
    seconds = dict.fromkeys(PARTS, 0.0)
    for sample in script_output.strip().split("\n\n"):
        lines = sample.strip().splitlines()
        if len(lines) < 2:
            continue
        period = int(lines[0].split()[0])
        frames = [_frame(line) for line in lines[1:]]
        symbol, library = frames[0]
        seconds[part_of(symbol, library, [frame[0] for frame in frames[1:]])] += period / 1e9
    return seconds


def _frame(line):
    # "   1165f3 sqlite3BtreeIndexMoveto (/path/to/library.so)"
    head, _, library = line.strip().rpartition(" (")
    parts = head.split(None, 1)
    symbol = parts[1] if len(parts) > 1 else "[unknown]"
    return symbol.split("+0x")[0], library.rstrip(")")


class Profiler:
    """``perf record`` on ``pids``, started disabled and switched on and off
    through its control FIFOs, so that what it samples is exactly what
    happens between :meth:`start` and :meth:`stop`. A perf that stops or
    does not answer within :data:`PERF_ANSWER_S` raises RuntimeError
    rather than leaving the caller waiting on a FIFO."""

    def __init__(self, pids, directory):
        directory = Path(directory)
        self.data = directory / "perf.data"
        self._control, ack = directory / "control", directory / "ack"
        for fifo in (self._control, ack):
            os.mkfifo(fifo)
        # Held open from the start, so perf's answers wait here to be read.
        self._ack = os.open(ack, os.O_RDONLY | os.O_NONBLOCK)
        self._process = subprocess.Popen(
            ["perf", "record", "-e", "cpu-clock", "-F", "999", "-g", "--delay=-1",
             f"--control=fifo:{self._control},{ack}", "-o", str(self.data),
             "-p", ",".join(str(pid) for pid in pids)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )

    def _command(self, word):
        deadline = time.monotonic() + PERF_ANSWER_S
        while True:
            try:
                control = os.open(self._control, os.O_WRONLY | os.O_NONBLOCK)
                break
            except OSError as exc:
                if exc.errno != errno.ENXIO:  # ENXIO: perf has not opened it yet
                    raise
            self._check_running(deadline)
            time.sleep(0.05)
        try:
            os.write(control, f"{word}\n".encode())
        finally:
            os.close(control)
        while not select.select([self._ack], [], [], 0.1)[0]:
            self._check_running(deadline)
        os.read(self._ack, 64)

    def _check_running(self, deadline):
        if self._process.poll() is not None:
            errors = self._process.stderr.read().decode(errors="replace")
            raise RuntimeError(f"perf record stopped (exit status {self._process.returncode}): {errors}")
        if time.monotonic() > deadline:
            self._process.kill()
            raise RuntimeError(f"perf record did not answer within {PERF_ANSWER_S} s")

    def start(self):
        self._command("enable")

    def stop(self):
        """Stop sampling; {part: CPU seconds} of what was sampled."""
        self._command("disable")
        os.close(self._ack)
        self._process.send_signal(signal.SIGINT)
        _, errors = self._process.communicate(timeout=120)
        if self._process.returncode not in (0, -signal.SIGINT):
            raise RuntimeError(f"perf record failed: {errors.decode(errors='replace')}")
        script = subprocess.run(
            ["perf", "script", "-i", str(self.data), "-F", "period,ip,sym,dso"],
            check=True, capture_output=True, text=True, errors="replace",
        )
        return seconds_by_part(script.stdout)


def profile_tree(context, catalogue, batch_bodies, batches):
    """One tree's fresh service: the warm-up bodies, then ``batches``
    distinct ones profiled. {part: µs per answered track} plus the
    /proc CPU figure and the tracks answered."""
    with context.service(catalogue) as server, tempfile.TemporaryDirectory() as directory:
        http_batches(server.base_url, batch_bodies[:HTTP_WARM_UP], HTTP_WARM_UP)
        profiler = Profiler(server.worker_pids(), directory)
        cpu_before = server.cpu_seconds()
        profiler.start()
        result = http_batches(server.base_url, batch_bodies[HTTP_WARM_UP:], batches)
        seconds = profiler.stop()
        cpu_seconds = server.cpu_seconds() - cpu_before
    tracks = result["tracks_total"]
    per_track = {part: value * 1e6 / tracks for part, value in seconds.items()}
    per_track["total sampled"] = sum(seconds.values()) * 1e6 / tracks
    per_track["total, /proc (whole service)"] = cpu_seconds * 1e6 / tracks
    return per_track, tracks


def table(results, names):
    """Markdown: each part's median over the rounds per tree, and the last
    tree's over the first's."""
    rows = list(PARTS) + ["total sampled", "total, /proc (whole service)"]
    header = ["part, µs per answered track"] + list(names)
    if len(names) > 1:
        header.append(f"{names[-1]} ÷ {names[0]}")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        medians = [statistics.median(result[row] for result in results[name]) for name in names]
        cells = [row] + [f"{value:.1f}" for value in medians]
        if len(names) > 1:
            cells.append(f"{medians[-1] / medians[0]:.2f}" if medians[0] else "")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.cpu_profile", description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="+", metavar="NAME=TREE")
    parser.add_argument("--tracks", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--batches", type=int, default=HTTP_BATCHES)
    parser.add_argument("--workers", type=int, default=2)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if shutil.which("perf") is None:
        raise SystemExit("perf not found: install Debian's linux-perf (apt-get install linux-perf)")
    trees = dict(item.split("=", 1) for item in args.trees)
    names = list(trees)
    catalogue = ensure_catalogue(args.tracks)
    keys = sample_keys(catalogue.main, BATCH_SIZE * (HTTP_WARM_UP + args.batches))
    batch_bodies = bodies(keys["isrcs"], "batch_isrcs")
    warm_page_cache(catalogue)
    results = {name: [] for name in names}
    for round_index in range(args.rounds):
        for name in names[round_index % len(names):] + names[:round_index % len(names)]:
            tree = str(Path(trees[name]).resolve())
            context = BenchContext([catalogue], 10, 8, args.workers, service_tree=tree)
            load = load_average()
            per_track, tracks = profile_tree(context, catalogue, batch_bodies, args.batches)
            results[name].append(per_track)
            print(f"round {round_index + 1}, {name}: {per_track['total sampled']:.1f} µs per track sampled, "
                  f"{tracks} tracks, load average {load} -> {load_average()}", flush=True)
    print(f"\n{args.tracks:,} tracks, {args.batches} distinct batches of {BATCH_SIZE} ISRCs "
          f"per tree and round after {HTTP_WARM_UP} of warm-up, {args.workers} workers, "
          f"medians of {args.rounds} rounds\n")
    print(table(results, names))


if __name__ == "__main__":
    main()
