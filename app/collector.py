"""Python's garbage collector set for a serving worker.

A 400-ISRC batch builds some 100,000 objects (rows, dumped dicts) that all
live until its answer is written. With the default first threshold (700
new objects) the collector walks them over and over while the batch is
built, and with them everything the app loaded, which lives as long as
the worker: about 4 % of a batch's instructions (docs/PERFORMANCE.md).
Collections still run, at most one per ``THRESHOLDS[0]`` objects made,
so garbage in cycles (an exception and its frames) is still freed.
"""

import gc

THRESHOLDS = (10_000, 10, 10)


def set_for_serving():
    """Leave what is loaded now out of every later collection (the app, in
    a master about to fork a worker) and collect less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
