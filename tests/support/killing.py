"""Kill a writing command midway, as a crash or an impatient operator would."""

import signal
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
KILL_TIMEOUT_S = 60


def start_cli(*arguments):
    """Start ``music-metadata-api ARGUMENTS`` with its output discarded."""
    return subprocess.Popen(
        [str(BIN / "music-metadata-api"), *arguments],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def kill_once_writing(process, folder, partial_pattern):
    """SIGKILL ``process`` as soon as a file matching ``partial_pattern`` exists in
    ``folder``; return that file."""
    deadline = time.monotonic() + KILL_TIMEOUT_S
    try:
        while time.monotonic() < deadline and process.poll() is None:
            partials = list(folder.glob(partial_pattern))
            if partials:
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=KILL_TIMEOUT_S)
                return partials[0]
            time.sleep(0.001)
        raise AssertionError("the command ended before it could be killed")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=KILL_TIMEOUT_S)
